import Foundation
import Glibc
import Snapshot
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Backpressure counts the replies still being computed: a client that pipelines requests with big
/// replies and does not read them holds about `max_pending_write_bytes` of reply buffers, not
/// `max_in_flight` whole replies; and the requests it left behind are answered once it reads.
@Suite(.serialized) struct ReplyBackpressureTests {
    /// 64 ids, k 100: ≈ 77 KB per reply; 150 pipelined ≈ 11.6 MB of replies.
    static let heavy = TopKRequest(view: "item", k: 100, queries: .ids(Array(1...64)))

    @Test func pipelinedHeavyRequestsAreHeldBackUntilTheClientReads() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 81)
        let server = try Fixture.server(Fixture.configuration { $0.maxPendingWriteBytes = 64 * 1024 }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        // A small receive buffer: the kernel absorbs the server's send buffer plus 64 KiB of
        // replies, not tens of MB (loopback autotuning), so the bound below is known.
        let (raw, count, absorbed) = try Self.pipelineHeavy(port: server.port, beyondAbsorbed: 60, atLeast: 150)
        usleep(400_000)
        // Not read: the server has taken only the requests whose replies the kernel's socket buffers
        // absorbed and then one (plus what the 64 KiB pending limit holds); the rest wait undecoded.
        // Before, it dispatched all of them at once and queued every reply in memory.
        let observer = try RPCClient(port: server.port)
        let dispatched = try observer.stats().counter("requests.topk")
        #expect(dispatched <= UInt64(absorbed + 5), "dispatched \(dispatched) heavy requests to a client that reads nothing")
        #expect(dispatched < UInt64(count))
        // Now read: every request is answered, in full and in order, nothing refused or lost.
        let frames = try Self.read(count, from: raw, timeout: 10)
        raw.close()
        #expect(frames.count == count)
        #expect(frames.map(\.header.requestID) == (1...count).map(UInt64.init))
        let expected = try Fixture.expected(try #require(snapshot.view(named: "item")),
                                            vectors: (1...64).flatMap { try snapshot.view(named: "item")!.index.reconstruct(id: Int64($0)) }, k: 100)
        for frame in frames {
            #expect(frame.header.type == .topK.reply)
            let reply = try frame.decodeTopKReply()
            #expect(reply.results.map(\.ids) == expected.map(\.ids))
        }
    }

    /// Frames held back longer than the frame deadline are the server's doing, not a slow peer's:
    /// the deadline restarts when it resumes (before, the first sweep after resuming closed the
    /// connection with `frame_timeout` if a partial frame followed the held ones).
    @Test func heldFramesDoNotRunIntoTheFrameDeadline() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 83)
        let server = try Fixture.server(Fixture.configuration {
            $0.maxPendingWriteBytes = 64 * 1024
            $0.frameDeadlineMilliseconds = 600
        }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let raw = try RawClient(port: server.port)
        let count = 150
        var burst: [UInt8] = []
        for id in 1...count { burst += Frame.encode(Self.heavy, requestID: UInt64(id)) }
        let last = Frame.encode(Self.heavy, requestID: UInt64(count + 1))
        try raw.send(burst + last.prefix(30))
        usleep(1_400_000) // held back for more than twice the frame deadline
        var frames = try Self.read(count, from: raw, timeout: 10)
        usleep(150_000) // a sweep or so (every 150 ms), well within the 600 ms deadline since the resume
        try raw.send(Array(last.dropFirst(30)))
        frames += try Self.read(1, from: raw, timeout: 5)
        raw.close()
        #expect(frames.map(\.header.requestID) == (1...(count + 1)).map(UInt64.init))
        #expect(frames.allSatisfy { $0.header.type == .topK.reply })
    }

    /// A client paused by backpressure when the server starts draining: every frame it sent gets
    /// a reply or `shutting_down`, and the close is graceful (before, the paused connection never
    /// resumed; the drain deadline closed it with its frames unanswered and unread, a reset).
    @Test func heldFramesAreAnsweredWhileDraining() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 84)
        let server = try Fixture.server(Fixture.configuration {
            $0.maxPendingWriteBytes = 64 * 1024
            $0.drainTimeoutMilliseconds = 10_000
        }, snapshot: snapshot)
        // More requests than the kernel buffers can absorb replies for (capped receive buffer):
        // frames are still held when the drain starts.
        let (raw, count, _) = try Self.pipelineHeavy(port: server.port, beyondAbsorbed: 100)
        usleep(300_000)
        server.stop()
        usleep(100_000)
        let (frames, closed) = raw.readUntilClosed(timeout: 8)
        raw.close()
        server.wait()
        #expect(closed, "the drained connection was not closed gracefully")
        #expect(frames.map(\.header.requestID) == (1...count).map(UInt64.init))
        let refused = frames.filter { $0.header.type != .topK.reply }
        #expect(try refused.allSatisfy { try $0.decode(ErrorReply.self).code == .shuttingDown })
        #expect(!refused.isEmpty && refused.count < count)
    }

    /// Opens a client with a 32 KiB receive buffer (the kernel then absorbs a known amount of
    /// replies, `absorbed` heavy ones, instead of tens of MB under loopback autotuning) and sends it
    /// `extra` more pipelined `heavy` TOPKs than that, at least `minimum`, without reading.
    static func pipelineHeavy(port: Int, beyondAbsorbed extra: Int, atLeast minimum: Int = 0) throws
        -> (raw: RawClient, count: Int, absorbed: Int) {
        let raw = try RawClient(port: port, receiveBuffer: 32 << 10)
        let replyBytes = ReplyEstimate.topK(queries: 64, k: 100, viewCount: nil, names: false)
        let absorbed = RawClient.kernelBufferedBytes(receiveBuffer: 32 << 10) / replyBytes
        let count = max(minimum, absorbed + extra)
        var burst: [UInt8] = []
        for id in 1...count { burst += Frame.encode(heavy, requestID: UInt64(id)) }
        try raw.send(burst)
        return (raw, count, absorbed)
    }

    /// Reads `count` frames (or what arrives before `timeout`).
    static func read(_ count: Int, from raw: RawClient, timeout: Double) throws -> [Frame] {
        var decoder = FrameDecoder(maximumBodyLength: 1 << 24)
        var frames: [Frame] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = ClientSocket.now() + timeout
        while frames.count < count {
            let n = try buffer.withUnsafeMutableBytes { try raw.socket.receive(into: $0, deadline: deadline) }
            decoder.feed(buffer[0..<n])
            while let frame = try decoder.next() { frames.append(frame) }
        }
        return frames
    }

    @Test func cancelledJobsAreSkippedAndTheirNeighboursAnswered() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 82)
        let executor = TopKExecutor(maxK: 100, maxBatch: 64)
        let gone = CancellationFlag()
        gone.cancel()
        let jobs = (1...4).map { id in
            SearchJob(connectionID: UInt64(id), requestID: UInt64(id), flags: [], request: Self.heavy, snapshot: snapshot,
                      receivedAt: 0, cancellation: id % 2 == 0 ? gone : CancellationFlag())
        }
        let outcomes = executor.execute(batch: jobs, scratch: SearchScratch())
        #expect(outcomes.map(\.bytes.isEmpty) == [false, true, false, true])
        #expect(outcomes.allSatisfy { $0.error == nil })
    }
}
