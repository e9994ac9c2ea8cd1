import Testing
@testable import WireProtocol

/// A bounded, deterministic mutation fuzzer for the decoding side of the protocol: the frame
/// decoder (any chunking), every request and reply decoder, and the zero-copy `TopKRequestView`.
///
/// Feedback-guided (not compiler-coverage-guided: Swift Testing has no libFuzzer hook): the corpus
/// starts from valid frames of every type and keeps each mutant whose outcome *signature* is new —
/// the decoded type, or the error code and the message template (digits dropped), which names the
/// throw site. So mutants that reach a new check become seeds for further mutation. Oracles:
/// - nothing traps (the test process would die);
/// - framing errors only from the frame decoder, `malformed_body` only from body decoders;
/// - a decoded request re-encodes to bytes that decode to the same value;
/// - `TopKRequestView` accepts exactly the TOPK bodies `TopKRequest` accepts, with the same fields.
@Suite struct MutationFuzzTests {
    static let iterations = 50_000
    static let maximumBody = 4096

    /// Valid frames of every type: the starting corpus.
    static func seeds() -> [[UInt8]] {
        [
            Frame.encode(HelloRequest(clientName: "cli"), requestID: 1),
            Frame(type: .ping, requestID: 2, body: Array("hi".utf8)).bytes,
            Frame.encode(InfoRequest(), requestID: 3),
            Frame.encode(StatsRequest(), requestID: 4),
            Frame.encode(TopKRequest(view: "item", k: 10, queries: .ids([50, 181])), flags: [.includeNames, .excludeQueryItems], requestID: 5),
            Frame.encode(TopKRequest(view: "item", k: 2, queries: .vectors(dimension: 2, values: [1, -0.5, 0.25, 2]), exclude: [3]),
                         requestID: 6),
            Frame.encode(DiverseRequest(triggers: [50, 7], k: 10, itemWeight: 1, categoryWeight: -1,
                                        excludeCategories: ["Comedy", "Drama"], excludeItems: [181]), flags: .includeNames, requestID: 7),
            Frame.encode(ReloadRequest(token: "secret", target: "current"), requestID: 8),
            Frame.encode(ErrorReply(code: .unknownView, message: "no view 'x'"), requestID: 9),
            Frame.encode(TopKReply(results: [TopKResult(ids: [12, 4], scores: [0.75, 0.5],
                                                        names: [ItemName(externalID: "12", displayName: "Heat"),
                                                                ItemName(externalID: "4", displayName: "")])]),
                         flags: .includeNames, requestID: 10),
            Frame.encode(ReloadReply(previousVersion: "a", newVersion: "b"), requestID: 11),
        ]
    }

    @Test func mutatedFramesNeverTrapAndFailWithTypedErrors() {
        var rng = SplitMix64(seed: 0x5EED)
        var corpus = Self.seeds()
        var signatures: Set<String> = []
        for seed in corpus { signatures.insert(Self.run(seed, rng: &rng)) }
        let initial = signatures.count
        for _ in 0..<Self.iterations {
            var input = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            let other = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) { Self.mutate(&input, splicing: other, rng: &rng) }
            let signature = Self.run(input, rng: &rng)
            if signatures.insert(signature).inserted && corpus.count < 512 { corpus.append(input) }
        }
        // The feedback found new behaviours to build on, including deep checks of every request type.
        #expect(signatures.count > initial + 20, "signatures: \(signatures.sorted())")
        for reached in ["frame_too_large", "bad_magic", "unsupported_version", "topk: malformed_body: unknown query kind",
                        "diverse: malformed_body", "topk: malformed_body: string is not valid UTF"] {
            #expect(signatures.contains { $0.hasPrefix(reached) }, "never reached \(reached) in \(signatures.sorted())")
        }
    }

    /// Feeds `bytes` to a frame decoder in random chunks and decodes each frame; returns the outcome
    /// signature of the last frame (or of the framing error), checking the oracles on the way.
    static func run(_ bytes: [UInt8], rng: inout SplitMix64) -> String {
        var decoder = FrameDecoder(maximumBodyLength: maximumBody)
        var signature = "incomplete"
        var offset = 0
        do {
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...64, using: &rng))
                decoder.feed(bytes[offset..<end])
                offset = end
                while let frame = try decoder.next() {
                    #expect(frame.body.count == Int(frame.header.bodyLength) && frame.body.count <= maximumBody)
                    signature = decodeBody(frame)
                }
            }
        } catch {
            #expect(error.code.isFraming && error.code != .malformedBody && error.code != .frameTimeout)
            return "\(error.code.name)"
        }
        return signature
    }

    /// Decodes a frame's body as its type; checks the round trip and the TOPK differential.
    static func decodeBody(_ frame: Frame) -> String {
        let type = frame.header.type
        do throws(WireProtocolError) {
            switch type {
            case .hello: try roundTrip(frame.decode(HelloRequest.self))
            case .info: try roundTrip(frame.decode(InfoRequest.self))
            case .stats: try roundTrip(frame.decode(StatsRequest.self))
            case .topK: try checkTopK(frame)
            case .diverse: try roundTrip(frame.decode(DiverseRequest.self), bitwise: true)
            case .reload: try roundTrip(frame.decode(ReloadRequest.self))
            case .ping, .ping.reply: _ = try frame.decode(PingMessage.self)
            case .error: _ = try frame.decode(ErrorReply.self)
            case .topK.reply: _ = try frame.decodeTopKReply()
            case .hello.reply: _ = try frame.decode(HelloReply.self)
            case .reload.reply: _ = try frame.decode(ReloadReply.self)
            default: return "unknown type"
            }
            return "\(type.name): ok"
        } catch {
            #expect(error.code == .malformedBody, "\(type.name) threw \(error)")
            return "\(type.name): \(error.code.name): \(error.message.filter { !$0.isNumber })"
        }
    }

    /// The zero-copy parser and the owned decoder agree on every TOPK body.
    static func checkTopK(_ frame: Frame) throws(WireProtocolError) {
        let view = frame.body.withUnsafeBytes { raw in Result { () throws(WireProtocolError) in try TopKRequestView(body: raw) } }
        let owned = Result { () throws(WireProtocolError) in try frame.decode(TopKRequest.self) }
        switch (view, owned) {
        case (.success(let fast), .success(let request)):
            // Compare bit patterns: NaN payloads must survive both paths alike.
            let a = fast.request, b = request
            #expect(Array(a.view.utf8) == Array(b.view.utf8) && a.k == b.k && a.exclude == b.exclude)
            #expect(bits(a.queries) == bits(b.queries))
            try roundTrip(request, bitwise: true)
        case (.failure, .failure(let error)):
            throw error
        case (.success, .failure(let error)):
            Issue.record("TopKRequestView accepted a body TopKRequest rejects: \(error)")
            throw error
        case (.failure(let error), .success):
            Issue.record("TopKRequestView rejected a body TopKRequest accepts: \(error)")
        }
    }

    static func bits(_ queries: TopKQueries) -> [UInt64] {
        switch queries {
        case .ids(let ids): return [1] + ids.map { UInt64(bitPattern: $0) }
        case .vectors(let d, let values): return [2, UInt64(d)] + values.map { UInt64($0.bitPattern) }
        }
    }

    /// Encodes a decoded request and decodes it again: same bytes (so same value, NaN included).
    static func roundTrip<M: WireMessage & Equatable>(_ message: M, bitwise: Bool = false) throws(WireProtocolError) {
        let bytes = Frame.encode(message, requestID: 1)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        decoder.feed(bytes)
        guard let frame = try decoder.next() else {
            Issue.record("re-encoded \(M.self) is not a complete frame")
            return
        }
        let again = try frame.decode(M.self)
        #expect(Frame.encode(again, requestID: 1) == bytes)
        if !bitwise { #expect(again == message) }
    }

    /// One random mutation, biased towards the fields that carry lengths and counts.
    static func mutate(_ bytes: inout [UInt8], splicing other: [UInt8], rng: inout SplitMix64) {
        let interesting: [UInt32] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x10000, 0x7FFF_FFFF, 0xFFFF_FFFF,
                                     UInt32(maximumBody), UInt32(maximumBody + 1)]
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<10, using: &rng) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8(truncatingIfNeeded: interesting.randomElement(using: &rng)!)
        case 2 where bytes.count >= 2:
            // A u16 or u32 field (string lengths, counts, dimension, k, body length).
            let value = interesting.randomElement(using: &rng)!
            let width = Bool.random(using: &rng) ? 2 : 4
            for i in 0..<width where position + i < bytes.count { bytes[position + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        case 3 where bytes.count > 20:
            // Keep the header's body length consistent with a body edited below.
            let body = UInt32(bytes.count - 20)
            for i in 0..<4 { bytes[16 + i] = UInt8(truncatingIfNeeded: body >> (8 * UInt32(i))) }
        case 4:
            bytes.removeLast(min(bytes.count, Int.random(in: 1...8, using: &rng)))
        case 5:
            let insert = (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            bytes.insert(contentsOf: insert, at: position)
        case 6 where !bytes.isEmpty:
            bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...8, using: &rng)))
        case 7 where bytes.count > 5:
            bytes[5] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x7F, 0x81, 0x85, 0x90, 0x00].randomElement(using: &rng)!
        case 8 where !other.isEmpty:
            // Splice: our prefix, the other input's suffix (another message's fields).
            let cut = Int.random(in: 0..<other.count, using: &rng)
            bytes = Array(bytes.prefix(position)) + other[cut...]
        default:
            // Two frames back to back: pipelining through the decoder.
            bytes += other
        }
        if bytes.count > 20, Int.random(in: 0..<3, using: &rng) == 0 {
            let body = UInt32(bytes.count - 20)
            for i in 0..<4 { bytes[16 + i] = UInt8(truncatingIfNeeded: body >> (8 * UInt32(i))) }
        }
    }
}

/// Error messages quote client input; PROTOCOL.md caps them at 512 bytes (not characters).
@Suite struct ErrorMessageCapTests {
    @Test func messagesAreCappedInBytesAtACharacterBoundary() throws {
        let view = String(repeating: "é", count: 1000) // 2 bytes each
        let bytes = Frame.encode(ErrorReply(code: .unknownView, message: "no view '\(view)'"), requestID: 1)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 16)
        decoder.feed(bytes)
        let reply = try #require(try decoder.next()).decode(ErrorReply.self)
        #expect(reply.message.utf8.count <= 512)
        #expect(reply.message.utf8.count >= 510)
        #expect(reply.message.hasPrefix("no view 'éé"))
    }
}
