import Foundation
import Testing
@testable import M2GRLData

/// Bad logs get a clear error or a counted skip, never a silently shorter or garbled log.
@Suite struct BadInputTests {
    static func code(_ body: () throws -> Void) -> DataError.Code? {
        do { try body(); return nil } catch let e as DataError { return e.code } catch { return nil }
    }

    /// A log of `users` × `perUser` well-formed events with a category column.
    static func logText(users: Int = 8, perUser: Int = 12) -> String {
        var lines = ["user\titem\ttimestamp\tdwell\tcategory"]
        for u in 0..<users {
            for k in 0..<perUser { lines.append("u\(u)\ti\((u * 7 + k * 3) % 40)\t\(1_793_524_380 + u * 10_000 + k * 60)\t9\tc\(k % 4)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func truncatedGzipIsAnErrorNotASilentlyShorterLog() throws {
        let dir = try Fixtures.directory()
        let gz = dir.appendingPathComponent("day.tsv.gz").path
        let out = try OutputByteStream(path: gz, compress: true)
        try Array(Self.logText(users: 40).utf8).withUnsafeBytes { try out.write($0) }
        try out.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: gz))
        #expect(try EventLogReader.read(files: [gz]).count == 40 * 12)
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: gz))
        do {
            _ = try EventLogReader.read(files: [gz])
            Issue.record("a truncated gzip file was read without an error")
        } catch let e as DataError {
            #expect(e.code == .unreadable)
            #expect(e.message.contains("truncated gzip"))
            #expect(e.message.hasPrefix(gz))
        }
        // Damaged compressed bytes: zlib's message, the path named once.
        var damaged = whole
        for k in 20..<60 { damaged[k] ^= 0xFF }
        try damaged.write(to: URL(fileURLWithPath: gz))
        do {
            _ = try EventLogReader.read(files: [gz])
            Issue.record("a corrupt gzip file was read without an error")
        } catch let e as DataError {
            #expect(e.code == .unreadable)
            #expect(e.message.components(separatedBy: gz).count == 2)
        }
    }

    @Test func millisecondTimestampsAndInfiniteNumbersAreMalformed() throws {
        let log = try Fixtures.log([
            "user\titem\ttimestamp\tdwell",
            "u1\ta\t1793524380000\t5",      // 2: milliseconds, 58,800 years ahead
            "u1\tb\t1793524380\t1e400",     // 3: dwell overflows to infinity
            "u1\tc\t-99999999999999\t5",    // 4: before year 0
            "u1\td\t253402300799\t5",       // 9999-12-31T23:59:59Z: kept
            "u1\te\t1793524380\t2.5e1",     // kept
        ])
        #expect(log.report.malformed == ["badTimestamp": 2, "badNumber": 1])
        #expect(log.report.malformedExamples["badNumber"]?.first?.hasSuffix(":3") == true)
        #expect(log.count == 2)
    }

    @Test func missingMovieLensDirectoryIsNamed() throws {
        do {
            _ = try MovieLensLoader.load(directory: "/no/such/ml-100k")
            Issue.record("no error")
        } catch let e as DataError {
            #expect(e.code == .fileNotFound)
            #expect(e.message.contains("no such MovieLens directory"))
        }
    }
}
