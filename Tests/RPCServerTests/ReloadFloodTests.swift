import Foundation
import Synchronization
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// RELOAD starts a thread per request: a flood of them is refused past a few pending, with a clear
/// error, instead of one thread each (200 pipelined RELOADs made 200 threads).
@Suite struct ReloadFloodTests {
    @Test func reloadsPastTheLimitAreRefusedAndTheSnapshotKeepsServing() throws {
        let a = try Fixture.snapshot(version: "v-a", seed: 111)
        let b = try Fixture.snapshot(version: "v-b", seed: 112)
        // Loads wait until the test opens the gate: the refusals cannot depend on timing.
        let gate = ReloadGate()
        let server = try Fixture.server(Fixture.configuration { $0.adminToken = "t" }, snapshot: a) { _ in
            gate.waitUntilOpen()
            return b
        }
        defer {
            gate.open()
            server.stop()
            server.wait()
        }
        // Ten RELOADs in one write: the loop takes them in order; the first ones start loads.
        let raw = try RawClient(port: server.port)
        try raw.send((1...10).flatMap { Frame.encode(ReloadRequest(token: "t", target: "current"), requestID: UInt64($0)) })
        let refusals = try ReplyBackpressureTests.read(10 - EventLoop.maximumPendingReloads, from: raw, timeout: 10)
        gate.open()
        let replies = try ReplyBackpressureTests.read(EventLoop.maximumPendingReloads, from: raw, timeout: 10)
        raw.close()
        var ok = 0, refused = 0
        for frame in refusals + replies {
            if frame.header.type == .reload.reply {
                ok += 1
                #expect(frame.header.requestID <= UInt64(EventLoop.maximumPendingReloads))
            } else {
                let error = try frame.decode(ErrorReply.self)
                #expect(error.code == .reloadFailed)
                #expect(error.message.contains("already pending"))
                refused += 1
            }
        }
        let client = try RPCClient(RPCClient.Options(port: server.port, requestTimeout: 10))
        #expect(ok == EventLoop.maximumPendingReloads)
        #expect(refused == 10 - EventLoop.maximumPendingReloads)
        // Once they finished, a reload is accepted again, and queries were served throughout.
        #expect(try client.reload(token: "t").newVersion == "v-b")
        #expect(try client.topK(TopKRequest(view: "item", k: 3, queries: .ids([5]))).results.first?.ids.count == 3)
    }
}

/// Holds snapshot loads until opened (loads run on the server's reload threads).
final class ReloadGate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    func open() { isOpen.store(true, ordering: .releasing) }

    /// Waits for `open()`, at most 20 s (so a failing test cannot hang the run).
    func waitUntilOpen() {
        for _ in 0..<20_000 where !isOpen.load(ordering: .acquiring) { usleep(1_000) }
    }
}
