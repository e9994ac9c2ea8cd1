import Foundation
import Testing
@testable import M2GRLCore

/// Bad embedding files get a typed error, never a crash or a silently wrong table.
@Suite struct EmbeddingFileValidationTests {
    let table = EmbeddingTable(name: "item", dimension: 3, ids: ["10", "abc", "ü-7"],
                               values: [1, 2, 3, -0.5, 0.25, 1e-3, 7, 8, 9])

    static func header(n: UInt32, d: UInt32, version: UInt32 = 1) -> Data {
        var data = Data("EMBF".utf8)
        for v in [version, n, d] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func code(_ expected: CoreError.Code, _ body: () throws -> Void) -> CoreError? {
        do { try body() } catch let e as CoreError {
            #expect(e.code == expected, "\(e)")
            return e
        } catch { Issue.record("not a CoreError: \(error)") }
        Issue.record("no error thrown")
        return nil
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("embval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func f32HeaderSizesThatOverflowAreTypedErrors() {
        // N×D×4 fits an Int but 16 + it does not once added naively; D is far above the cap.
        let ovf = Self.header(n: 537_040_218, d: 4_293_613_275)
        let e = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromF32: ovf, name: "ovf") }
        #expect(e?.message.contains("dimension") == true)
        // Largest N, D at the cap: the product is compared with the bytes present, not allocated.
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromF32: Self.header(n: .max, d: 65_536), name: "big") }
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromF32: Self.header(n: 2, d: 3) + Data(count: 10), name: "trunc") }
        // More rows in the header than ids after the vectors.
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromF32: Self.header(n: 3, d: 1) + Data(count: 12) + Data("a\n".utf8), name: "ids") }
    }

    @Test func nonFiniteValuesAreRejectedNamingRowAndColumn() throws {
        for bad in [Float.nan, .infinity, -.infinity] {
            var t = table
            t.values[5] = bad
            let e = Self.code(.nonFiniteValue) { _ = try EmbeddingFileFormat.table(fromF32: EmbeddingFileFormat.f32Data(t), name: "item") }
            #expect(e?.message.contains("'abc'") == true && e?.message.contains("column 3") == true, "\(String(describing: e))")
            let text = "2 2\nx 1 2\ny 3 \(bad)\n"
            let w = Self.code(.nonFiniteValue) { _ = try EmbeddingFileFormat.table(fromWord2Vec: text, name: "t") }
            #expect(w?.message.contains("'y'") == true && w?.message.contains("column 2") == true, "\(String(describing: w))")
        }
        // Overflowing literals parse as infinity.
        _ = Self.code(.nonFiniteValue) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "1 1\nx 1e999\n", name: "t") }
    }

    @Test func finiteScanFindsTheFirstBadValueInEveryPosition() {
        // Around block and SIMD-lane boundaries.
        let n = FiniteScan.blockSize * 2 + 37
        var values = [Float](repeating: 1.5, count: n)
        values.withUnsafeBufferPointer { #expect(FiniteScan.firstNonFinite($0) == nil) }
        values[n - 1] = -Float.greatestFiniteMagnitude
        values.withUnsafeBufferPointer { #expect(FiniteScan.firstNonFinite($0) == nil) }
        for i in [0, 15, 16, FiniteScan.blockSize - 1, FiniteScan.blockSize, n - 1] {
            var v = values
            v[i] = .nan
            if i + 1 < n { v[n - 1] = .infinity }
            v.withUnsafeBufferPointer { #expect(FiniteScan.firstNonFinite($0) == i) }
        }
    }

    @Test func bundleTablesAreCheckedNamingTheFile() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var t = table
        t.values[0] = .nan
        try ModelBundle(tables: [t], items: []).write(to: dir)
        let e = Self.code(.nonFiniteValue) { _ = try ModelBundle.read(from: dir) }
        #expect(e?.message.contains("tables/item.f32") == true && e?.message.contains("'10'") == true, "\(String(describing: e))")
    }

    @Test func duplicateIDsAreRejectedInBothFormats() {
        let dup = EmbeddingTable(name: "t", dimension: 1, ids: ["a", "b", "a"], values: [1, 2, 3])
        let e = Self.code(.duplicateID) { _ = try EmbeddingFileFormat.table(fromF32: EmbeddingFileFormat.f32Data(dup), name: "t") }
        #expect(e?.message.contains("'a'") == true)
        _ = Self.code(.duplicateID) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "3 1\na 1\nb 2\na 3\n", name: "t") }
    }

    @Test func crlfWord2VecIsRead() throws {
        let lf = try EmbeddingFileFormat.word2vecText(table)
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try EmbeddingFileFormat.table(fromWord2Vec: crlf, name: "item") == table)
        #expect(try EmbeddingFileFormat.table(fromWord2Vec: "\u{FEFF}" + crlf, name: "item") == table)
        #expect(try EmbeddingFileFormat.table(fromWord2Vec: lf.replacingOccurrences(of: " ", with: "\t"), name: "item") == table)
    }

    @Test func errorsNeverEchoAWholeLongLine() {
        let long = "1 3\nx " + Array(repeating: "0.5", count: 50_000).joined(separator: " ") + "\n"
        let e = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: long, name: "t") }
        #expect((e?.message.count ?? .max) < 200, "\(e?.message.count ?? -1) characters")
        let header = Array(repeating: "7", count: 100_000).joined(separator: " ") + "\n"
        let h = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: header, name: "t") }
        #expect((h?.message.count ?? .max) < 200)
    }

    @Test func emptyAndMismatchedWord2VecFiles() {
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "", name: "t") }
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "3 1\na 1\n", name: "t") }
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "1 1\na 1\nb 2\n", name: "t") }
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "1 2\na 1\n", name: "t") }
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "99999999999999 99999999\na 1\n", name: "t") }
        _ = Self.code(.format) { _ = try EmbeddingFileFormat.table(fromWord2Vec: "9223372036854775807 65536\na 1\n", name: "t") }
    }

    @Test func writersRefuseIDsTheirFormatCannotCarry() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spaced = EmbeddingTable(name: "category", dimension: 1, ids: ["Home Garden", "Toys"], values: [1, 2])
        let e = Self.code(.invalidArgument) { try EmbeddingFileFormat.write(spaced, to: dir.appendingPathComponent("c.txt")) }
        #expect(e?.message.contains("Home Garden") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.txt").path))
        // .f32 carries any id without a newline, a trailing "\r" included.
        let odd = EmbeddingTable(name: "category", dimension: 1, ids: ["Home Garden", "tab\there", "cr\r", "é"], values: [1, 2, 3, 4])
        try EmbeddingFileFormat.write(odd, to: dir.appendingPathComponent("c.f32"))
        #expect(try EmbeddingFileFormat.read(from: dir.appendingPathComponent("c.f32"), name: "category") == odd)
        let newline = EmbeddingTable(name: "category", dimension: 1, ids: ["two\nlines"], values: [1])
        _ = Self.code(.invalidArgument) { try EmbeddingFileFormat.write(newline, to: dir.appendingPathComponent("n.f32")) }
    }

    @Test func bundleReaderSaysWhatThePathIs() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("item.f32")
        try EmbeddingFileFormat.write(table, to: file)
        let e = Self.code(.invalidArgument) { _ = try ModelBundle.read(from: file) }
        #expect(e?.message.contains("is a file, expected a model directory") == true, "\(String(describing: e))")
        let m = Self.code(.invalidArgument) { _ = try ModelBundle.read(from: dir) }
        #expect(m?.message.contains("no model.json") == true)
        _ = Self.code(.io) { _ = try ModelBundle.read(from: dir.appendingPathComponent("missing")) }
        _ = Self.code(.invalidArgument) { _ = try EmbeddingFileFormat.read(from: dir) }
    }
}
