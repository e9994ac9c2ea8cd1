import Foundation
import Glibc
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// A peer that vanishes (close with unread data = RST) while the server is still writing to it.
@Suite(.serialized) struct PeerResetTests {
    /// Writing to a reset socket raises SIGPIPE, whose default action kills the process: before the
    /// server ignored it, `m2grl serve` died (exit 141) when a pipelining client hung up.
    /// The disposition is not reset to the default here: other suites run in parallel in this
    /// process, and a write of theirs to a reset socket would then kill the whole test runner.
    /// Instead the test checks that `start()` left SIGPIPE ignored, then provokes the writes.
    @Test func writesToAResetPeerDoNotKillTheProcess() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 71)
        let server = try Fixture.server(Fixture.configuration { $0.maxFrameBytes = 1 << 20 }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        var action = sigaction()
        #expect(sigaction(SIGPIPE, nil, &action) == 0)
        #expect(unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self),
                "start() must leave SIGPIPE ignored")
        let ping = Frame.encode(PingMessage(payload: [UInt8](repeating: 3, count: 100)), requestID: 1)
        let topK = Frame.encode(TopKRequest(view: "item", k: 100, queries: .ids(Array(1...64))), flags: .includeNames, requestID: 2)
        // Requests sent, then a full close before any reply is read: the server reads the frames
        // (and the FIN), its first reply draws a RST from the closed peer, and its second reply
        // used to hit the reset socket and raise SIGPIPE (seen on loopback nearly every time).
        let burst = (0..<50).flatMap { _ in ping } + (0..<20).flatMap { _ in topK }
        for _ in 0..<20 {
            let raw = try RawClient(port: server.port)
            try raw.send(burst)
            raw.close()
        }
        usleep(200_000)
        // Still alive, still serving, and the reset connections were released.
        let client = try RPCClient(port: server.port)
        #expect(try client.ping(payload: [1, 2, 3]) == [1, 2, 3])
        var open = UInt64.max
        for _ in 0..<100 where open > 1 {
            usleep(20_000)
            open = try client.stats().counter("connections.open")
        }
        #expect(open == 1)
    }
}
