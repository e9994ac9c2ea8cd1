import M2GRLCore
import Foundation
import Testing
@testable import M2GRLData

/// Parsing, malformed-line accounting and input errors.
@Suite struct LogReaderTests {
    static let badLines = [
        "user\titem\ttimestamp\tdwell\tcategory",
        "u1\ta\t100\t5\tc1",
        "u1\tb\t100\t5",                     // 3: wrong column count
        "u1\tc\tyesterday\t5\tc1",           // 4: bad timestamp
        "u1\td\t100\tlong\tc1",              // 5: bad number
        "\te\t100\t5\tc1",                   // 6: empty id
        "u1\tf\t100\t5\tc1\textra",          // 7: wrong column count
        "",                                  // 8: blank line
        "u1\tg\t2026-11-01T10:00:00Z\t3\tc2",
    ]

    @Test func malformedLinesAreCountedWithLocations() throws {
        var lines = Self.badLines
        lines.append("u1\th\t100\t5\tc\u{FFFD}")
        var bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        bytes.append(contentsOf: Array("u1\ti\t100\t5\t".utf8) + [0xC3, 0x28] + [0x0A])  // 11: invalid UTF-8
        let path = try Fixtures.file("")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let log = try EventLogReader.read(files: [path])
        let r = log.report
        #expect(r.malformed == ["wrongColumnCount": 2, "badTimestamp": 1, "badNumber": 1, "emptyId": 1, "emptyLine": 1, "invalidUTF8": 1])
        #expect(r.malformedExamples["wrongColumnCount"] == ["\(path):3", "\(path):7"])
        #expect(r.malformedExamples["invalidUTF8"] == ["\(path):11"])
        #expect(r.cleanedEvents == 3)
        #expect(r.linesRead == 10)
        #expect(log.eventTime.contains(FieldParsing.parseISO8601(ByteField(Array("2026-11-01T10:00:00Z".utf8).withUnsafeBufferPointer { $0 }))!))
        #expect(r.summary.contains("wrongColumnCount: 2"))
    }

    @Test func failPolicyStopsAtFirstMalformedLine() throws {
        let path = try Fixtures.file(Self.badLines.joined(separator: "\n"))
        do {
            _ = try EventLogReader.read(files: [path], options: LogReadOptions(onError: .fail))
            Issue.record("no error")
        } catch let e as DataError {
            #expect(e.code == .malformedLine)
            #expect(e.message.contains(":3:"))
        }
    }

    @Test func inputErrors() throws {
        func code(_ body: () throws -> Void) -> DataError.Code? {
            do { try body(); return nil } catch let e as DataError { return e.code } catch { return nil }
        }
        #expect(code { _ = try EventLogReader.read(files: ["/nonexistent/log.tsv"]) } == .fileNotFound)
        #expect(code { _ = try EventLogReader.read(files: [try Fixtures.file("")]) } == .emptyInput)
        #expect(code { _ = try EventLogReader.read(files: [try Fixtures.directory().path]) } == .unreadable)
        #expect(code { _ = try EventLogReader.read(files: [try Fixtures.file("user\titem\tcategory\nu\ti\tc\n")]) } == .missingColumns)
        #expect(code { _ = try EventLogReader.read(files: [try Fixtures.file("user\titem\ttime\tuser_id\n")]) } == .missingColumns)
        // Header only: valid, zero events.
        #expect(try EventLogReader.read(files: [try Fixtures.file("user\titem\ttimestamp\n")]).count == 0)
    }

    @Test func gzipCRLFAndSeveralFiles() throws {
        let dir = try Fixtures.directory()
        let gz = dir.appendingPathComponent("day1.tsv.gz").path
        let out = try OutputByteStream(path: gz, compress: true)
        let text = "timestamp\titem\tuser\tshop\r\n1000\ta\tu1\ts1\r\n1010\tb\tu1\ts2\r\n"
        try Array(text.utf8).withUnsafeBytes { try out.write($0) }
        try out.close()
        let header = try Data(contentsOf: URL(fileURLWithPath: gz)).prefix(2)
        #expect(Array(header) == [0x1F, 0x8B])
        let plain = dir.appendingPathComponent("day2.tsv").path
        try "user\titem\ttimestamp\tshop\nu1\tc\t2026-01-01 00:00:00\ts1\nu2\ta\t1020\ts1".write(toFile: plain, atomically: true, encoding: .utf8)
        let log = try EventLogReader.read(files: [gz, plain])
        #expect(log.count == 4)
        #expect(log.attributeNames == ["shop"])
        #expect(log.report.malformedTotal == 0)
        let (data, _) = try DatasetBuilder(log: log, rules: .behaviourLog).build(split: .all)
        #expect(Fixtures.sequences(data.itemView) == [["a", "b"], ["c"], ["a"]])
    }

    @Test func timestampAndNumberParsing() {
        func ts(_ s: String) -> Int64? { Array(s.utf8).withUnsafeBufferPointer { FieldParsing.parseTimestamp(ByteField($0)) } }
        #expect(ts("881250949") == 881_250_949)
        #expect(ts("881250949.75") == 881_250_949)
        #expect(ts("1970-01-02") == 86_400)
        #expect(ts("2026-11-01T12:34:56Z") == 1_793_536_496)
        #expect(ts("2026-11-01T14:34:56+02:00") == 1_793_536_496)
        #expect(ts("2026-11-01 12:34:56.123") == 1_793_536_496)
        #expect(ts("2026-02-30T00:00:00Z") == nil)
        #expect(ts("12:00") == nil)
        #expect(ts("") == nil)
        func num(_ s: String) -> Double? { Array(s.utf8).withUnsafeBufferPointer { FieldParsing.parseDouble(ByteField($0)) } }
        #expect(num("2.5") == 2.5)
        #expect(num("-3") == -3)
        #expect(num("1e3") == 1000)
        #expect(num("x") == nil)
        #expect(num("1.5s") == nil)
    }
}

/// The word-at-a-time tab splitter agrees with a byte-by-byte split on every line shape.
@Suite struct TabSplitterTests {
    @Test func matchesNaiveSplit() {
        var rng = SplitMix64(seed: 21)
        let alphabet: [UInt8] = [0x09, 0x08, 0x0A, 0x89, 0x61, 0x31, 0x7F, 0xC3, 0xA9, 0x00, 0x20]
        for _ in 0..<3_000 {
            let length = rng.below(40)
            var bytes = (0..<length).map { _ in alphabet[rng.below(alphabet.count)] }
            bytes.append(0)  // never read: the split sees `length` bytes
            let columns = 1 + rng.below(6)
            let fields = UnsafeMutablePointer<ByteField>.allocate(capacity: columns)
            defer { fields.deallocate() }
            bytes.withUnsafeBufferPointer { buffer in
                let line = ByteField(start: buffer.baseAddress!, count: length)
                let result = TabSplitter.split(line, into: fields, columnCount: columns)
                let parts = buffer.prefix(length).split(separator: 0x09, omittingEmptySubsequences: false)
                #expect(result.tooMany == (parts.count > columns))
                if !result.tooMany {
                    #expect(result.fieldCount == parts.count)
                    #expect(result.ascii == buffer.prefix(length).allSatisfy { $0 < 0x80 })
                    for (k, part) in parts.enumerated() {
                        #expect(Array(UnsafeBufferPointer(start: fields[k].start, count: fields[k].count)) == Array(part))
                    }
                }
            }
        }
    }
}
