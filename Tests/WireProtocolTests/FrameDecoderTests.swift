import Testing
@testable import WireProtocol

@Suite struct FrameDecoderTests {
    /// A stream of varied frames and its expected decoding.
    static func sampleFrames() -> [Frame] {
        [
            Frame(HelloRequest(clientName: "t"), requestID: 1),
            Frame(PingMessage(payload: []), requestID: 2),
            Frame(TopKRequest(view: "item", k: 5, queries: .ids([1, 2, 3]), exclude: [9]), requestID: 3),
            Frame(PingMessage(payload: Array(repeating: 0xAB, count: 3000)), requestID: 4),
            Frame(TopKRequest(view: "genre", k: 1, queries: .vectors(dimension: 3, values: [1, 2, 3, 4, 5, 6])),
                  flags: .includeNames, requestID: .max),
            Frame(type: MessageType(rawValue: 0x42), requestID: 6, body: [1, 2, 3]),
        ]
    }

    @Test func byteByByte() throws {
        let frames = Self.sampleFrames()
        let stream = frames.flatMap(\.bytes)
        var decoder = FrameDecoder(maximumBodyLength: 4096)
        var decoded: [Frame] = []
        for byte in stream {
            decoder.feed([byte])
            while let frame = try decoder.next() { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func coalescedAndRandomChunks() throws {
        let frames = Self.sampleFrames()
        let stream = frames.flatMap(\.bytes)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            var decoder = FrameDecoder(maximumBodyLength: 4096)
            var decoded: [Frame] = []
            var offset = 0
            while offset < stream.count {
                let size = Bool.random(using: &rng) ? Int.random(in: 1...40, using: &rng)
                                                    : Int.random(in: 1...stream.count, using: &rng)
                let end = min(stream.count, offset + size)
                decoder.feed(stream[offset..<end])
                offset = end
                while let frame = try decoder.next() { decoded.append(frame) }
            }
            #expect(decoded == frames)
        }
        // Everything at once.
        var decoder = FrameDecoder(maximumBodyLength: 4096)
        decoder.feed(stream)
        var decoded: [Frame] = []
        while let frame = try decoder.next() { decoded.append(frame) }
        #expect(decoded == frames)
    }

    @Test func badMagicRejectedAtFirstWrongByte() {
        var decoder = FrameDecoder(maximumBodyLength: 64)
        decoder.feed([0x4D, 0x33])
        #expect { try decoder.next() } throws: { ($0 as? WireProtocolError)?.code == .badMagic }
        // The decoder stays failed and ignores further input.
        decoder.feed(Frame(PingMessage(), requestID: 1).bytes)
        #expect { try decoder.next() } throws: { ($0 as? WireProtocolError)?.code == .badMagic }
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func unsupportedVersion() {
        var bytes = Frame(PingMessage(), requestID: 1).bytes
        bytes[4] = 2
        var decoder = FrameDecoder(maximumBodyLength: 64)
        decoder.feed(bytes.prefix(5))
        #expect { try decoder.next() } throws: { ($0 as? WireProtocolError)?.code == .unsupportedVersion }
    }

    @Test func fourGiBLengthPrefixRejectedBeforeAllocating() {
        var header = ByteWriter()
        FrameHeader(type: .ping, requestID: 1, bodyLength: .max).encode(into: &header)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        decoder.feed(header.bytes)
        #expect { try decoder.next() } throws: { ($0 as? WireProtocolError)?.code == .frameTooLarge }
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func exactLimitAcceptedOneMoreRejected() throws {
        var decoder = FrameDecoder(maximumBodyLength: 10)
        decoder.feed(Frame(PingMessage(payload: Array(repeating: 1, count: 10)), requestID: 1).bytes)
        #expect(try decoder.next()?.body.count == 10)
        decoder.feed(Frame(PingMessage(payload: Array(repeating: 1, count: 11)), requestID: 2).bytes.prefix(20))
        #expect { try decoder.next() } throws: { ($0 as? WireProtocolError)?.code == .frameTooLarge }
    }

    @Test func partialFrameIsReported() throws {
        var decoder = FrameDecoder(maximumBodyLength: 64)
        #expect(!decoder.hasPartialFrame)
        let bytes = Frame(PingMessage(payload: [1, 2, 3]), requestID: 5).bytes
        decoder.feed(bytes.prefix(21))
        #expect(try decoder.next() == nil)
        #expect(decoder.hasPartialFrame)
        #expect(decoder.peekHeader()?.requestID == 5)
        decoder.feed(bytes.dropFirst(21))
        #expect(try decoder.next()?.body == [1, 2, 3])
        #expect(!decoder.hasPartialFrame)
    }
}
