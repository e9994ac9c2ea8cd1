import Foundation
import Glibc
import Snapshot
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Bad clients while a good one keeps querying: the server stays up, keeps answering, frees
/// what the bad ones held.
@Suite(.serialized) struct HostileClientTests {
    /// Starts a server and a good client querying in a loop, checking every answer.
    private func withGoodClient(_ configuration: ServerConfiguration,
                                _ body: (RPCServer) throws -> Void) throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 21)
        let server = try Fixture.server(configuration, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let view = try #require(snapshot.view(named: "item"))
        let expected = try Fixture.expected(view, vectors: view.index.reconstruct(id: 42), k: 10)
        let good = try RPCClient(RPCClient.Options(port: server.port, requestTimeout: 5))
        let querier = BackgroundQuerier()
        querier.run {
            let reply = try good.topK(TopKRequest(view: "item", k: 10, queries: .ids([42])))
            guard reply.results == expected else { throw RPCClientError(.protocolViolation, "wrong answer") }
        }
        try body(server)
        // The good client is still served after the attack.
        let before = querier.successes.load(ordering: .relaxed)
        for _ in 0..<200 where querier.successes.load(ordering: .relaxed) < before + 5 { usleep(5_000) }
        querier.stop()
        #expect(querier.failures.withLock { $0 } == [])
        #expect(querier.successes.load(ordering: .relaxed) >= before + 5)
    }

    @Test func randomGarbage() throws {
        try withGoodClient(Fixture.configuration { $0.frameDeadlineMilliseconds = 200 }) { server in
            var rng = FixtureRNG(state: 5)
            for round in 0..<30 {
                let raw = try RawClient(port: server.port)
                var garbage = (0..<Int.random(in: 1...4000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if round % 2 == 0 { garbage = FrameHeader.magic + [1] + garbage } // deeper into the header
                try? raw.send(garbage)
                let (frames, closed) = raw.readUntilClosed(timeout: 3)
                raw.close()
                // Either a clean framing error and a close, or (garbage that happens to be a valid
                // partial frame) nothing yet; never a crash.
                if closed, let last = frames.last, last.header.type == .error {
                    #expect(try last.decode(ErrorReply.self).code.rawValue < 16)
                }
            }
        }
    }

    @Test func fourGiBLengthPrefix() throws {
        try withGoodClient(Fixture.configuration()) { server in
            let raw = try RawClient(port: server.port)
            var header = ByteWriter()
            FrameHeader(type: .topK, requestID: 5, bodyLength: .max).encode(into: &header)
            try raw.send(header.bytes + [1, 2, 3])
            let (frames, closed) = raw.readUntilClosed(timeout: 3)
            raw.close()
            #expect(closed)
            #expect(try frames.first?.decode(ErrorReply.self).code == .frameTooLarge)
        }
    }

    @Test func halfFrameThatNeverCompletes() throws {
        let configuration = Fixture.configuration { $0.frameDeadlineMilliseconds = 300 }
        try withGoodClient(configuration) { server in
            let raw = try RawClient(port: server.port)
            let frame = Frame.encode(TopKRequest(view: "item", k: 3, queries: .ids([1])), requestID: 9)
            try raw.send(Array(frame.prefix(25)))
            let started = ClientSocket.now()
            let (frames, closed) = raw.readUntilClosed(timeout: 3)
            raw.close()
            #expect(closed)
            #expect(ClientSocket.now() - started < 2)
            #expect(frames.first?.header.requestID == 9)
            #expect(try frames.first?.decode(ErrorReply.self).code == .frameTimeout)
        }
    }

    @Test func clientThatNeverReadsIsPausedThenDropped() throws {
        let configuration = Fixture.configuration {
            $0.maxPendingWriteBytes = 64 * 1024
            $0.maxFrameBytes = 1 << 20
            $0.idleTimeoutMilliseconds = 600
        }
        try withGoodClient(configuration) { server in
            let raw = try RawClient(port: server.port)
            var small: Int32 = 4096
            setsockopt(raw.socket.descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            // Up to 60 MB of PING payload echoed back that nobody reads: the server must stop
            // reading (so our sends block once the kernel buffers fill) instead of buffering it all.
            let ping = Frame.encode(PingMessage(payload: [UInt8](repeating: 7, count: 400_000)), requestID: 1)
            var sent = 0
            let deadline = ClientSocket.now() + 2
            while sent < 150 && ClientSocket.now() < deadline {
                do {
                    try ping.withUnsafeBytes { try raw.socket.sendAll($0, deadline: min(deadline, ClientSocket.now() + 0.3)) }
                    sent += 1
                } catch { break }
            }
            #expect(sent < 150, "the server kept reading from a client that never reads")
            let stats = try RPCClient(port: server.port).stats()
            #expect(stats.counter("bytes.read") < 40_000_000)
            // No progress for the idle timeout: the server closes it and frees its buffers.
            var open = UInt64.max
            for _ in 0..<60 where open > 1 {
                usleep(50_000)
                open = try RPCClient(port: server.port).stats().counter("connections.open") - 1
            }
            #expect(open <= 1) // the good client only
            raw.close()
        }
    }

    @Test func thousandConnectionsAtOnce() throws {
        Fixture.raiseFileLimit(to: 4096)
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        try #require(limit.rlim_cur >= 2200, "needs RLIMIT_NOFILE ≥ 2200 (client and server sides share the process)")
        let configuration = Fixture.configuration { $0.maxConnections = 1003 }
        try withGoodClient(configuration) { server in
            var sockets: [ClientSocket] = []
            defer { for socket in sockets { socket.close() } }
            for _ in 0..<1000 { sockets.append(try ClientSocket.connect(host: "127.0.0.1", port: server.port, timeout: 2)) }
            // Every one of them is served: send a PING on each, read each PONG.
            let ping = Frame.encode(PingMessage(payload: [9]), requestID: 3)
            for socket in sockets { try ping.withUnsafeBytes { try socket.sendAll($0, deadline: ClientSocket.now() + 2) } }
            var buffer = [UInt8](repeating: 0, count: 64)
            for socket in sockets {
                var got = 0
                while got < ping.count {
                    got += try buffer.withUnsafeMutableBytes { try socket.receive(into: $0, deadline: ClientSocket.now() + 5) }
                }
            }
            let stats = try RPCClient(port: server.port).stats()
            #expect(stats.counter("connections.open") >= 1001)
            // Past the limit: answered `overloaded` and closed.
            let extra = try (0..<60).map { _ in try RawClient(port: server.port) }
            var overloaded = 0
            for raw in extra {
                let (frames, closed) = raw.readUntilClosed(timeout: 0.2)
                if closed, (try? frames.first?.decode(ErrorReply.self).code) == .overloaded { overloaded += 1 }
                raw.close()
            }
            #expect(overloaded >= 55)
            for socket in sockets { socket.close() }
            sockets = []
            var open = UInt64.max
            for _ in 0..<100 where open > 2 {
                usleep(20_000)
                open = try RPCClient(port: server.port).stats().counter("connections.open")
            }
            #expect(open <= 2, "closed connections were not released")
        }
    }
}
