import Foundation
import Testing
@testable import M2GRLData

/// Malformed lines in the MovieLens side files (.item, .link, .kg) follow `--on-error` exactly
/// like the main log: skip counts and reports them and the run succeeds; fail stops with a
/// typed `malformedLine` error naming the file and line.
@Suite struct MovieLensSideFileTests {
    /// The good side-file lines; `bad` (by file extension) is inserted as line 3 of that file.
    static func fixture(bad: [String: String]) throws -> String {
        let dir = try Fixtures.directory().appendingPathComponent("ml-tiny")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let files: [String: [String]] = [
            "inter": ["user_id:token\titem_id:token\trating:float\ttimestamp:float",
                      "u1\t1\t4\t100", "u1\t2\t5\t200", "u2\t1\t3\t150", "u2\t2\t4\t250"],
            "item": ["item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq",
                     "1\tToy Story\t1995\tAnimation Comedy", "2\tGoldenEye\t1995\tAction Thriller"],
            "link": ["item_id:token\tentity_id:token", "1\tm.toy", "2\tm.gold"],
            "kg": ["head_id:token\trelation_id:token\ttail_id:token",
                   "m.toy\tfilm.film.directed_by\tm.lasseter", "m.gold\tfilm.film.directed_by\tm.campbell"],
        ]
        for (ext, lines) in files {
            var lines = lines
            if let line = bad[ext] { lines.insert(line, at: 2) }
            var data = Data(lines.joined(separator: "\n").utf8)
            data.append(0x0A)
            try data.write(to: dir.appendingPathComponent("ml-tiny.\(ext)"))
        }
        return dir.path
    }

    static let badLines: [(ext: String, line: String, reason: MalformedReason)] = [
        ("item", "3\tonly two fields", .wrongColumnCount),
        ("link", "3\tm.x\textra", .wrongColumnCount),
        ("kg", "m.x\tfilm.film.directed_by", .wrongColumnCount),
        ("kg", "m.x\tfilm.film.directed_by\tm.\u{FFFD}", .invalidUTF8),  // made invalid below
        ("item", "", .emptyLine),
    ]

    /// The fixture with `line` in `ext`, turning U+FFFD into a lone invalid byte.
    static func directory(_ ext: String, _ line: String) throws -> String {
        let dir = try fixture(bad: [ext: line])
        if line.contains("\u{FFFD}") {
            let url = URL(fileURLWithPath: "\(dir)/ml-tiny.\(ext)")
            var bytes = [UInt8](try Data(contentsOf: url))
            let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
            if let at = (0..<(bytes.count - 2)).first(where: { Array(bytes[$0..<$0 + 3]) == replacement }) {
                bytes.replaceSubrange(at..<at + 3, with: [0xFF])
            }
            try Data(bytes).write(to: url)
        }
        return dir
    }

    @Test func cleanFixtureLoads() throws {
        let log = try MovieLensLoader.load(directory: try Self.fixture(bad: [:]))
        #expect(log.report.malformedTotal == 0)
        #expect(log.itemTitles == ["Toy Story", "GoldenEye"])
        let director = log.attributeNames.firstIndex(of: "director")!
        #expect(log.attributeValues[director].string(log.itemAttributes[director][0] - 1) == "m.lasseter")
    }

    @Test(arguments: badLines.indices) func skipCountsReportsAndSucceeds(_ index: Int) throws {
        let bad = Self.badLines[index]
        let dir = try Self.directory(bad.ext, bad.line)
        let log = try MovieLensLoader.load(directory: dir, onError: .skip)
        #expect(log.report.malformed == [bad.reason.rawValue: 1])
        #expect(log.report.malformedExamples[bad.reason.rawValue] == ["\(dir)/ml-tiny.\(bad.ext):3"])
        #expect(log.report.summary.contains("\(bad.reason.rawValue): 1 (first: \(dir)/ml-tiny.\(bad.ext):3)"))
        // The good lines around the bad one are still used.
        #expect(log.itemTitles == ["Toy Story", "GoldenEye"])
        let director = log.attributeNames.firstIndex(of: "director")!
        let directors = (0..<2).map { log.attributeValues[director].string(log.itemAttributes[director][$0] - 1) }
        #expect(directors == ["m.lasseter", "m.campbell"])
        #expect(log.report.cleanedEvents == 4)
    }

    @Test(arguments: badLines.indices) func failStopsWithTypedError(_ index: Int) throws {
        let bad = Self.badLines[index]
        let dir = try Self.directory(bad.ext, bad.line)
        do {
            _ = try MovieLensLoader.load(directory: dir, onError: .fail)
            Issue.record("expected a malformedLine error for \(bad.ext)")
        } catch let error as DataError {
            #expect(error.code == .malformedLine)
            #expect(error.message.contains("ml-tiny.\(bad.ext):3"))
            #expect(error.message.contains(bad.reason.rawValue))
        }
    }

    @Test func trailingBlankLinesAreNotMalformed() throws {
        let dir = try Self.fixture(bad: [:])
        let url = URL(fileURLWithPath: "\(dir)/ml-tiny.kg")
        var data = try Data(contentsOf: url)
        data.append(contentsOf: [0x0A, 0x0A])
        try data.write(to: url)
        let log = try MovieLensLoader.load(directory: dir, onError: .fail)
        #expect(log.report.malformedTotal == 0)
    }
}
