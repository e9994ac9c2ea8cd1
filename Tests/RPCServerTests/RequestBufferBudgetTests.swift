import Foundation
import Glibc
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Many connections that each send most of a big frame and stall: the total they can hold is
/// bounded by `max_buffered_request_bytes`, not by `max_connections × max_frame_bytes`.
@Suite(.serialized) struct RequestBufferBudgetTests {
    @Test func theSlowestUnfinishedFramesAreShedPastTheBudget() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 101)
        let server = try Fixture.server(Fixture.configuration {
            $0.maxFrameBytes = 1 << 20
            $0.maxBufferedRequestBytes = (1 << 20) + FrameHeader.size
            $0.frameDeadlineMilliseconds = 10_000 // the budget acts long before the deadline
        }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let ping = Frame.encode(PingMessage(payload: [UInt8](repeating: 5, count: 1_000_000)), requestID: 77)
        // Five stallers, 300 KB each, one after the other: 1.5 MB > the 1 MiB budget.
        let stallers = try Self.stallers(5, port: server.port, sending: ping.prefix(300_000), gapMicroseconds: 30_000)
        // The oldest were told `overloaded` and closed; the newest are still there.
        let (oldest, closed) = stallers[0].readUntilClosed(timeout: 2)
        #expect(closed)
        #expect(oldest.first?.header.requestID == 77)
        #expect(try oldest.first?.decode(ErrorReply.self).code == .overloaded)
        // The newest can finish its frame and is answered in full.
        try stallers[4].send(Array(ping.dropFirst(300_000)))
        let pong = try ReplyBackpressureTests.read(1, from: stallers[4], timeout: 5)
        #expect(pong.first?.header.type == .ping.reply)
        #expect(pong.first?.body.count == 1_000_000)
        // Everyone else is served meanwhile.
        let client = try RPCClient(port: server.port)
        #expect(try client.ping(payload: [4, 2]) == [4, 2])
        #expect(try client.stats().counter("errors.overloaded") >= 1)
        for raw in stallers { raw.close() }
    }

    /// A client paused by backpressure holds complete frames the server has not taken yet: it is
    /// not slow, so it is not shed, even though its frames were buffered first (before, its held
    /// bytes counted as the oldest unfinished frame and it was the first victim).
    @Test func pausedClientsAreNotShed() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 102)
        let server = try Fixture.server(Fixture.configuration {
            $0.maxFrameBytes = 128 << 10
            $0.maxBufferedRequestBytes = 256 << 10
            $0.maxPendingWriteBytes = 64 * 1024
            $0.frameDeadlineMilliseconds = 10_000
        }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        // A small receive buffer, and more requests than the kernel buffers can absorb replies
        // for: the server pauses with complete frames held (before its first 64 KiB read is used up).
        let (paused, count, _) = try ReplyBackpressureTests.pipelineHeavy(port: server.port, beyondAbsorbed: 100)
        usleep(300_000)
        let ping = Frame.encode(PingMessage(payload: [UInt8](repeating: 5, count: 120_000)), requestID: 77)
        // The paused client holds up to one 64 KiB read of frames; three 100 KB stallers go past
        // the 256 KiB budget whatever it holds.
        let stallers = try Self.stallers(3, port: server.port, sending: ping.prefix(100_000), gapMicroseconds: 50_000)
        // The older staller was shed; the paused client is answered in full once it reads.
        let (shed, closed) = stallers[0].readUntilClosed(timeout: 3)
        #expect(closed)
        #expect(try shed.first?.decode(ErrorReply.self).code == .overloaded)
        let frames = try ReplyBackpressureTests.read(count, from: paused, timeout: 10)
        #expect(frames.map(\.header.requestID) == (1...count).map(UInt64.init))
        #expect(frames.allSatisfy { $0.header.type == .topK.reply })
        for raw in stallers + [paused] { raw.close() }
    }

    /// `count` connections opened one after the other, `gapMicroseconds` apart, each sending
    /// `bytes` (the start of a frame) and then nothing.
    static func stallers(_ count: Int, port: Int, sending bytes: ArraySlice<UInt8>, gapMicroseconds: UInt32) throws -> [RawClient] {
        try (0..<count).map { _ in
            let raw = try RawClient(port: port)
            try raw.send(Array(bytes))
            usleep(gapMicroseconds)
            return raw
        }
    }
}
