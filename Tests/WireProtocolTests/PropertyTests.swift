import Testing
@testable import WireProtocol

/// Random inputs, thousands of cases: never a crash, always a clear typed error.
@Suite struct PropertyTests {
    @Test func randomBytesIntoDecoder() {
        var rng = SplitMix64(seed: 7)
        var errors: [ErrorCode: Int] = [:]
        for _ in 0..<5000 {
            var decoder = FrameDecoder(maximumBodyLength: 256)
            // Half the cases start with a valid magic so the deeper checks are exercised too.
            var bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if Bool.random(using: &rng) { bytes = FrameHeader.magic + [1] + bytes }
            var offset = 0
            do {
                while offset < bytes.count {
                    let end = min(bytes.count, offset + Int.random(in: 1...64, using: &rng))
                    decoder.feed(bytes[offset..<end])
                    offset = end
                    while let frame = try decoder.next() {
                        #expect(frame.body.count == Int(frame.header.bodyLength))
                        #expect(frame.body.count <= 256)
                    }
                }
            } catch {
                errors[error.code, default: 0] += 1
                #expect(error.code.isFraming)
                #expect(!error.message.isEmpty)
            }
        }
        #expect(errors[.badMagic, default: 0] > 0)
        #expect(errors[.frameTooLarge, default: 0] > 0)
    }

    @Test func randomBodiesIntoEveryMessageDecoder() {
        var rng = SplitMix64(seed: 11)
        let types: [MessageType] = [.hello, .hello.reply, .info.reply, .stats.reply, .topK, .topK.reply,
                                    .reload, .reload.reply, .error, .ping]
        var decodedCount = 0
        for round in 0..<6000 {
            let type = types[round % types.count]
            let length = Int.random(in: 0...120, using: &rng)
            var body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if type == .topK, body.count > 8, Bool.random(using: &rng) {
                // Plausible prefix: a short view name, small k, a known query kind.
                body[0] = 1; body[1] = 0; body[2] = 0x61; body[7] = UInt8.random(in: 1...2, using: &rng)
            }
            let frame = Frame(type: type, flags: Bool.random(using: &rng) ? .includeNames : [], requestID: 1, body: body)
            do {
                switch type {
                case .hello: _ = try frame.decode(HelloRequest.self)
                case .hello.reply: _ = try frame.decode(HelloReply.self)
                case .info.reply: _ = try frame.decode(InfoReply.self)
                case .stats.reply: _ = try frame.decode(StatsReply.self)
                case .topK: _ = try frame.decode(TopKRequest.self)
                case .topK.reply: _ = try frame.decodeTopKReply()
                case .reload: _ = try frame.decode(ReloadRequest.self)
                case .reload.reply: _ = try frame.decode(ReloadReply.self)
                case .error: _ = try frame.decode(ErrorReply.self)
                default: _ = try frame.decode(PingMessage.self)
                }
                decodedCount += 1
            } catch {
                #expect(error.code == .malformedBody)
            }
        }
        #expect(decodedCount > 0)
    }

    @Test func randomTopKRequestsRoundTrip() throws {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            let queries: TopKQueries
            if Bool.random(using: &rng) {
                queries = .ids((0..<Int.random(in: 1...20, using: &rng)).map { _ in Int64.random(in: .min ... .max, using: &rng) })
            } else {
                let dimension = Int.random(in: 1...16, using: &rng)
                let count = Int.random(in: 1...8, using: &rng)
                queries = .vectors(dimension: dimension,
                                   values: (0..<(dimension * count)).map { _ in Float.random(in: -10...10, using: &rng) })
            }
            let view = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "aé😀z".randomElement(using: &rng)! })
            let request = TopKRequest(view: view, k: UInt32.random(in: 0...1000, using: &rng), queries: queries,
                                      exclude: (0..<Int.random(in: 0...5, using: &rng)).map { Int64($0) })
            var decoder = FrameDecoder(maximumBodyLength: 1 << 16)
            decoder.feed(Frame.encode(request, requestID: 77))
            let frame = try #require(try decoder.next())
            #expect(try frame.decode(TopKRequest.self) == request)
            // Any truncation of the body is a clean malformed-body error.
            let cut = Int.random(in: 0..<frame.body.count, using: &rng)
            let truncated = Frame(type: .topK, requestID: 1, body: Array(frame.body.prefix(cut)))
            #expect { try truncated.decode(TopKRequest.self) } throws: { ($0 as? WireProtocolError)?.code == .malformedBody }
        }
    }

    @Test func hostileCountsDoNotAllocate() {
        // A TOPK body claiming 2^32-1 ids in a 20-byte body: malformed, not a 32 GiB allocation.
        var writer = ByteWriter()
        writer.write("v"); writer.write(UInt32(10)); writer.write(UInt8(1)); writer.write(UInt32.max)
        let frame = Frame(type: .topK, requestID: 1, body: writer.bytes)
        #expect { try frame.decode(TopKRequest.self) } throws: { ($0 as? WireProtocolError)?.code == .malformedBody }
        // Vectors whose count × dimension overflows.
        var vectors = ByteWriter()
        vectors.write("v"); vectors.write(UInt32(10)); vectors.write(UInt8(2)); vectors.write(UInt32.max); vectors.write(UInt32.max)
        let overflow = Frame(type: .topK, requestID: 1, body: vectors.bytes)
        #expect { try overflow.decode(TopKRequest.self) } throws: { ($0 as? WireProtocolError)?.code == .malformedBody }
    }

    @Test func repliesIgnoreAppendedFieldsRequestsDoNot() throws {
        var reply = Frame(ReloadReply(previousVersion: "a", newVersion: "b"), requestID: 1)
        reply.body += [9, 9, 9]
        #expect(try reply.decode(ReloadReply.self) == ReloadReply(previousVersion: "a", newVersion: "b"))
        var request = Frame(ReloadRequest(token: "t"), requestID: 1)
        request.body += [9]
        #expect { try request.decode(ReloadRequest.self) } throws: { ($0 as? WireProtocolError)?.code == .malformedBody }
    }

    @Test func statsAndHelloRoundTrip() throws {
        let stats = StatsReply(snapshotVersion: "v1", uptimeMillis: 5, counters: [("requests.topk", 3), ("errors.unknown_view", 1)],
                               latencies: [LatencySummary(name: "latency.topk", count: 3, p50: 10, p99: 20, p999: 30, max: 40)])
        #expect(try Frame(stats, requestID: 1).decode(StatsReply.self) == stats)
        #expect(stats.counter("requests.topk") == 3)
        let hello = HelloReply(version: 1, limits: ServerLimits(maximumFrameSize: 1, maximumK: 2, maximumBatch: 3, maximumInFlight: 4),
                               supportedRequests: MessageType.version1Requests, serverName: "s", snapshotVersion: "v",
                               views: [ViewDescriptor(name: "item", kind: "Flat", dimension: 64, count: 1682)])
        #expect(try Frame(hello, requestID: 1).decode(HelloReply.self) == hello)
        let info = InfoReply(serverName: "s", snapshotVersion: "v", snapshotLoadedAtMillis: 99, views: hello.views)
        #expect(try Frame(info, requestID: 1).decode(InfoReply.self) == info)
    }

    @Test func messageTypeAndErrorCodeNames() {
        #expect(MessageType.topK.reply.rawValue == 0x85)
        #expect(MessageType.topK.reply.request == .topK)
        #expect(MessageType(rawValue: 0x42).name == "type_0x42")
        #expect(ErrorCode.frameTooLarge.isFraming && !ErrorCode.unknownView.isFraming)
        #expect(Set(ErrorCode.allVersion1.map(\.name)).count == ErrorCode.allVersion1.count)
    }
}
