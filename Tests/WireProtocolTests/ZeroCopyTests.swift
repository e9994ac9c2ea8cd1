import Testing
import WireProtocol

/// The in-place TOPK parser and the raw reply encoder agree byte for byte with the owned types.
@Suite struct ZeroCopyTests {
    static func randomRequest(_ rng: inout SplitMix64) -> TopKRequest {
        let count = Int.random(in: 1...5, using: &rng)
        let queries: TopKQueries
        if Bool.random(using: &rng) {
            queries = .ids((0..<count).map { _ in Int64.random(in: -5...1_000_000, using: &rng) })
        } else {
            let dimension = Int.random(in: 1...9, using: &rng)
            queries = .vectors(dimension: dimension, values: (0..<(count * dimension)).map { _ in Float.random(in: -2...2, using: &rng) })
        }
        let view = ["item", "genre", "rel.category.item", "ünïcode"].randomElement(using: &rng)!
        let exclude = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int64.random(in: 0...99, using: &rng) }
        return TopKRequest(view: view, k: UInt32.random(in: 0...2000, using: &rng), queries: queries, exclude: exclude)
    }

    @Test func viewParsesWhatTheOwnedDecoderParses() throws {
        var rng = SplitMix64(seed: 41)
        for _ in 0..<300 {
            let request = Self.randomRequest(&rng)
            let frame = Frame(request, requestID: 1)
            let view = try frame.body.withUnsafeBytes { try TopKRequestView(body: $0) }
            #expect(view.request == request)
            #expect(view.count == request.queries.count)
            #expect(String(decoding: view.viewName, as: UTF8.self) == request.view)
            // Unaligned: the same body one byte into a buffer still parses the same.
            let shifted = [0] + frame.body
            let again = try shifted.withUnsafeBytes { try TopKRequestView(body: UnsafeRawBufferPointer(rebasing: $0[1...])).request }
            #expect(again == request)
        }
    }

    @Test func viewRejectsWhatTheOwnedDecoderRejects() throws {
        var rng = SplitMix64(seed: 43)
        for _ in 0..<300 {
            var body = Frame(Self.randomRequest(&rng), requestID: 1).body
            // Truncate, extend or corrupt one byte.
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: body.removeLast(Int.random(in: 1...body.count, using: &rng))
            case 1: body.append(UInt8.random(in: 0...255, using: &rng))
            default: body[Int.random(in: 0..<min(body.count, 16), using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let owned = Result { () throws(WireProtocolError) in try Frame(type: .topK, requestID: 1, body: body).decode(TopKRequest.self) }
            let viewed = body.withUnsafeBytes { raw in
                Result { () throws(WireProtocolError) in try TopKRequestView(body: raw).request }
            }
            switch (owned, viewed) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a.code == b.code)
            case (.success, .failure(let error)):
                // The owned decoder also rejects invalid UTF-8 view names; the view leaves that to its user.
                Issue.record("view rejected a body the owned decoder accepts: \(error)")
            case (.failure(let error), .success):
                #expect(error.message.contains("UTF-8"), "view accepted a body the owned decoder rejects: \(error)")
            }
        }
    }

    @Test func encoderWritesTheSameBytesAsTopKReply() {
        var rng = SplitMix64(seed: 47)
        for _ in 0..<100 {
            let results = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                let n = Int.random(in: 0...12, using: &rng)
                return TopKResult(ids: (0..<n).map { _ in Int64.random(in: -1...Int64.max, using: &rng) },
                                  scores: (0..<n).map { _ in Float.random(in: -9...9, using: &rng) })
            }
            let requestID = UInt64.random(in: 0...UInt64.max, using: &rng)
            let expected = Frame.encode(TopKReply(results: results), requestID: requestID)
            let capacity = TopKReplyEncoder.capacity(queryCount: results.count, k: 12)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            defer { buffer.deallocate() }
            var encoder = TopKReplyEncoder(buffer: buffer, requestID: requestID, queryCount: results.count)
            for result in results { encoder.appendResult(count: result.ids.count) { (result.ids[$0], result.scores[$0]) } }
            #expect(Array(encoder.finish()) == expected)
        }
    }
}
