import Testing
@testable import WireProtocol

/// Every golden example in docs/PROTOCOL.md equals what the encoder produces, and decodes back.
@Suite struct GoldenBytesTests {
    let golden: [String: [UInt8]]
    init() throws { golden = try goldenExamples() }

    @Test func documentHasAllExamples() {
        #expect(Set(golden.keys) == ["hello-request", "ping-request", "pong-reply", "topk-by-id", "topk-by-vector",
                                     "topk-reply", "topk-reply-names", "error-reply", "reload-request",
                                     "diverse-request", "diverse-reply"])
    }

    @Test func helloRequest() throws {
        let message = HelloRequest(minimumVersion: 1, maximumVersion: 1, clientName: "cli")
        #expect(Frame(message, requestID: 1).bytes == golden["hello-request"])
        #expect(try decodeOnly(golden["hello-request"]!).decode(HelloRequest.self) == message)
    }

    @Test func pingAndPong() throws {
        #expect(Frame(PingMessage(payload: Array("hi".utf8)), requestID: 2).bytes == golden["ping-request"])
        let pong = Frame(type: MessageType.ping.reply, requestID: 2, body: Array("hi".utf8))
        #expect(pong.bytes == golden["pong-reply"])
    }

    @Test func topKByID() throws {
        let request = TopKRequest(view: "item", k: 10, queries: .ids([50]))
        let flags: FrameFlags = [.includeNames, .excludeQueryItems]
        #expect(Frame(request, flags: flags, requestID: 7).bytes == golden["topk-by-id"])
        #expect(Frame.encode(request, flags: flags, requestID: 7) == golden["topk-by-id"])
        let frame = try decodeOnly(golden["topk-by-id"]!)
        #expect(frame.header.flags == flags)
        #expect(try frame.decode(TopKRequest.self) == request)
    }

    @Test func topKByVector() throws {
        let request = TopKRequest(view: "item", k: 2, queries: .vectors(dimension: 2, values: [1, -0.5]), exclude: [3])
        #expect(Frame(request, requestID: 8).bytes == golden["topk-by-vector"])
        #expect(try decodeOnly(golden["topk-by-vector"]!).decode(TopKRequest.self) == request)
    }

    @Test func topKReplies() throws {
        let plain = TopKReply(results: [TopKResult(ids: [12, 4], scores: [0.75, 0.5])])
        #expect(Frame(plain, flags: plain.flags, requestID: 8).bytes == golden["topk-reply"])
        #expect(try decodeOnly(golden["topk-reply"]!).decodeTopKReply() == plain)

        let named = TopKReply(results: [TopKResult(ids: [12], scores: [0.75],
                                                   names: [ItemName(externalID: "12", displayName: "Heat")])])
        #expect(Frame(named, flags: named.flags, requestID: 7).bytes == golden["topk-reply-names"])
        #expect(try decodeOnly(golden["topk-reply-names"]!).decodeTopKReply() == named)
    }

    @Test func errorReply() throws {
        let error = ErrorReply(code: .unknownView, message: "no view 'x'")
        #expect(Frame(error, requestID: 7).bytes == golden["error-reply"])
        #expect(try decodeOnly(golden["error-reply"]!).decode(ErrorReply.self) == error)
    }

    @Test func reloadRequest() throws {
        let reload = ReloadRequest(token: "secret", target: "current")
        #expect(Frame(reload, requestID: 9).bytes == golden["reload-request"])
        #expect(try decodeOnly(golden["reload-request"]!).decode(ReloadRequest.self) == reload)
    }

    @Test func diverseRequest() throws {
        let request = DiverseRequest(triggers: [50], k: 10, itemWeight: 1, categoryWeight: -1,
                                     excludeCategories: ["Comedy"], excludeItems: [181])
        #expect(Frame(request, flags: .includeNames, requestID: 11).bytes == golden["diverse-request"])
        #expect(Frame.encode(request, flags: .includeNames, requestID: 11) == golden["diverse-request"])
        let frame = try decodeOnly(golden["diverse-request"]!)
        #expect(frame.header.flags == .includeNames)
        #expect(try frame.decode(DiverseRequest.self) == request)
    }

    @Test func diverseReply() throws {
        let reply = DiverseReply(results: [DiverseResult(key: 12, score: 0.75, itemDistance: 0.5, categoryDistance: 2,
                                                         category: "Drama", name: ItemName(externalID: "12", displayName: "Heat"))])
        #expect(Frame(reply, flags: reply.flags, requestID: 11).bytes == golden["diverse-reply"])
        #expect(try decodeOnly(golden["diverse-reply"]!).decodeDiverseReply() == reply)
        // Without the names flag the same results decode without names; trailing reply bytes are ignored.
        let plain = DiverseReply(results: [DiverseResult(key: 3, score: -1, itemDistance: 0, categoryDistance: 0.25, category: "")])
        var bytes = Frame(plain, requestID: 1).body
        bytes += [9, 9]
        #expect(try Frame(type: DiverseReply.messageType, requestID: 1, body: bytes).decodeDiverseReply() == plain)
    }

    @Test func diverseRequestMalformed() throws {
        let good = Frame(DiverseRequest(triggers: [1, 2], k: 5, excludeCategories: ["A"], excludeItems: [3]), requestID: 1).body
        for cut in 0..<good.count {
            #expect(throws: WireProtocolError.self) { try Frame(type: .diverse, requestID: 1, body: Array(good[..<cut])).decode(DiverseRequest.self) }
        }
        #expect(throws: WireProtocolError.self) { try Frame(type: .diverse, requestID: 1, body: good + [0]).decode(DiverseRequest.self) }
        // A hostile trigger count is refused before anything is allocated for it.
        var huge = good
        huge[12] = 0xFF; huge[13] = 0xFF; huge[14] = 0xFF; huge[15] = 0x7F
        #expect(throws: WireProtocolError.self) { try Frame(type: .diverse, requestID: 1, body: huge).decode(DiverseRequest.self) }
    }

    private func decodeOnly(_ bytes: [UInt8]) throws -> Frame {
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        decoder.feed(bytes)
        let frame = try #require(try decoder.next())
        #expect(try decoder.next() == nil)
        return frame
    }
}
