import Foundation
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// The frame deadline bounds how long one frame takes to arrive, not how long a connection keeps
/// sending frames.
@Suite(.serialized) struct FrameDeadlineTests {
    /// A pipelining client whose every read ends mid-frame, streaming for over three deadlines:
    /// before, the deadline ran from the first partial frame and never restarted while frames kept
    /// completing, so the sweep closed this healthy connection with `frame_timeout`.
    @Test func aClientStreamingFramesSplitMidFrameKeepsItsConnection() throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 121)
        let server = try Fixture.server(Fixture.configuration { $0.frameDeadlineMilliseconds = 400 }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let ping = Frame.encode(PingMessage(payload: [UInt8](repeating: 7, count: 300)), requestID: 1)
        let frameSize = ping.count // > 300: chunks of frameSize + 1 end on a frame boundary only every frameSize chunks
        let chunks = 150
        var stream: [UInt8] = []
        for id in 1...(chunks + 2) {
            stream += Frame.encode(PingMessage(payload: [UInt8](repeating: 7, count: 300)), requestID: UInt64(id))
        }
        let raw = try RawClient(port: server.port)
        let started = ClientSocket.now()
        var offset = 0
        for _ in 0..<chunks {
            try raw.send(Array(stream[offset..<(offset + frameSize + 1)]))
            offset += frameSize + 1
            #expect(offset % frameSize != 0)
            usleep(10_000)
        }
        let elapsed = ClientSocket.now() - started
        #expect(elapsed > 1.2, "streamed for \(elapsed) s only: the test needs more than the deadline")
        // Finish the last frame, then read every reply: all pongs, no frame_timeout, not closed.
        let complete = (offset / frameSize + 1) * frameSize
        try raw.send(Array(stream[offset..<complete]))
        let frames = try ReplyBackpressureTests.read(complete / frameSize, from: raw, timeout: 5)
        raw.close()
        #expect(frames.count == complete / frameSize)
        #expect(frames.allSatisfy { $0.header.type == .ping.reply })
        #expect(frames.map(\.header.requestID) == (1...(complete / frameSize)).map(UInt64.init))
    }
}
