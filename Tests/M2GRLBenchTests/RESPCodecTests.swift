import Testing
@testable import M2GRLBench

@Suite struct RESPCodecTests {
    static func decodeAll(_ bytes: [UInt8]) throws -> [RESPValue] {
        var decoder = RESPDecoder()
        decoder.feed(bytes)
        var values: [RESPValue] = []
        while let v = try decoder.next() { values.append(v) }
        #expect(decoder.bufferedCount == 0)
        return values
    }

    @Test func commandIsAnArrayOfBulkStrings() {
        let bytes = RESPEncoder.command([Array("GET".utf8), [0, 13, 10, 255]])
        #expect(bytes == Array("*2\r\n$3\r\nGET\r\n$4\r\n".utf8) + [0, 13, 10, 255] + Array("\r\n".utf8))
        #expect(RESPEncoder.command(["PING"]) == Array("*1\r\n$4\r\nPING\r\n".utf8))
    }

    @Test func decodesEveryType() throws {
        let wire = "+OK\r\n-ERR unknown index\r\n:-42\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n*3\r\n:1\r\n*1\r\n$3\r\nv:7\r\n+x\r\n"
        let values = try Self.decodeAll(Array(wire.utf8))
        #expect(values == [
            .simpleString("OK"), .error("ERR unknown index"), .integer(-42), .bulkString(Array("hello".utf8)),
            .bulkString([]), .bulkString(nil), .array(nil), .array([]),
            .array([.integer(1), .array([.bulkString(Array("v:7".utf8))]), .simpleString("x")]),
        ])
        #expect(values[1].isError && !values[0].isError)
        #expect(values[3].text == "hello" && values[2].integerValue == -42)
    }

    @Test func bulkStringsAreBinarySafe() throws {
        let blob: [UInt8] = [13, 10, 0, 36, 42, 13, 10, 255]
        let values = try Self.decodeAll(RESPValue.bulkString(blob).encoded)
        #expect(values == [.bulkString(blob)])
    }

    @Test func encodeDecodeRoundTrip() throws {
        let value = RESPValue.array([.integer(2), .bulkString(Array("v:1".utf8)), .bulkString(nil), .error("E"), .array([.simpleString("a")])])
        #expect(try Self.decodeAll(value.encoded) == [value])
    }

    @Test func partialReadsAtEveryByteBoundary() throws {
        let value = RESPValue.array([.integer(3), .bulkString(Array("v:12".utf8)), .bulkString(Array("v:7".utf8)), .bulkString([13, 10])])
        let wire = value.encoded + RESPValue.simpleString("PONG").encoded
        // Split in two at every position, and byte by byte: nothing comes out early, nothing is lost.
        for cut in 0...wire.count {
            var decoder = RESPDecoder()
            decoder.feed(Array(wire[..<cut]))
            var values: [RESPValue] = []
            while let v = try decoder.next() { values.append(v) }
            decoder.feed(Array(wire[cut...]))
            while let v = try decoder.next() { values.append(v) }
            #expect(values == [value, .simpleString("PONG")], "cut at \(cut)")
        }
        var decoder = RESPDecoder()
        var values: [RESPValue] = []
        for byte in wire {
            decoder.feed([byte])
            while let v = try decoder.next() { values.append(v) }
        }
        #expect(values == [value, .simpleString("PONG")])
    }

    @Test(arguments: [
        ("?what\r\n", RESPError.Code.malformed),       // unknown type byte
        (":12x\r\n", .malformed),                      // not an integer
        ("$abc\r\n", .malformed),                      // bad bulk length
        ("$-5\r\n", .malformed),                       // negative length other than -1
        ("$3\r\nhelloo\r\n", .malformed),              // bulk not followed by CRLF
        ("*-2\r\n", .malformed),                       // negative array length
        ("+OK\n", .malformed),                         // LF without CR
        ("*2\r\n:1\r\n!\r\n", .malformed),             // bad element inside an array
        ("$99999999999\r\n", .tooLarge),               // bulk over the limit
        ("*99999999999\r\n", .tooLarge),               // array over the limit
        ("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n", .tooLarge),
    ])
    func malformedRepliesThrowTypedErrors(wire: String, code: RESPError.Code) {
        var decoder = RESPDecoder()
        decoder.feed(Array(wire.utf8))
        #expect(throws: RESPError.self) { _ = try decoder.next() }
        do {
            _ = try decoder.next()
            Issue.record("no error for \(wire.debugDescription)")
        } catch {
            #expect(error.code == code, "\(wire.debugDescription): \(error)")
        }
    }

    @Test func incompleteInputIsNotAnError() throws {
        for wire in ["", "$", "$5\r\nhel", "*2\r\n:1\r\n", "+OK\r", ":12"] {
            var decoder = RESPDecoder()
            decoder.feed(Array(wire.utf8))
            #expect(try decoder.next() == nil, "\(wire.debugDescription)")
        }
    }

    @Test func searchCommandAndReplyParsing() throws {
        let command = RedisVectorBench.searchCommand(index: "idx_hnsw", k: 10, efRuntime: 16, vector: [1.0, -2.0][...])
        let decoded = try Self.decodeAll(command)
        guard case .array(let args?) = decoded.first else { Issue.record("not an array"); return }
        #expect(args.compactMap(\.text).prefix(3) == ["FT.SEARCH", "idx_hnsw", "*=>[KNN 10 @v $B EF_RUNTIME 16 AS score]"])
        #expect(args[6] == .bulkString([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0])) // 1.0, -2.0 little-endian float32
        #expect(args.suffix(6).compactMap(\.text) == ["NOCONTENT", "LIMIT", "0", "10", "DIALECT", "2"])
        let reply = RESPValue.array([.integer(2), .bulkString(Array("v:12".utf8)), .bulkString(Array("v:7".utf8))])
        #expect(try RedisVectorBench.resultIDs(reply) == ["12", "7"])
        #expect(throws: BenchError.self) { try RedisVectorBench.resultIDs(.error("ERR Syntax error")) }
        #expect(throws: BenchError.self) { try RedisVectorBench.resultIDs(.array([.integer(1), .bulkString(Array("x:1".utf8))])) }
        #expect(throws: BenchError.self) { try RedisVectorBench.resultIDs(.simpleString("OK")) }
        // FT.INFO attributes of a vector field: the algorithm is a nested string.
        let attributes = RESPValue.array([.array([.simpleString("identifier"), .bulkString(Array("v".utf8)),
                                                  .simpleString("algorithm"), .bulkString(Array("HNSW".utf8))])])
        #expect(RedisVectorBench.contains(attributes, text: "hnsw"))
        #expect(!RedisVectorBench.contains(attributes, text: "FLAT"))
    }
}
