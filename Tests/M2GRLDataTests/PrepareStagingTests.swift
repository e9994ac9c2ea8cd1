import Foundation
import Testing
@testable import M2GRLData

/// `prepare` refuses to write an empty dataset, and an interrupted or failed run never leaves a
/// mix of old and new splits in its output directory.
@Suite struct PrepareStagingTests {
    static func code(_ body: () throws -> Void) -> DataError.Code? { BadInputTests.code(body) }

    @Test func aLogWithNoUsableEventIsAnErrorAndWritesNothing() throws {
        let dir = try Fixtures.directory()
        let out = dir.appendingPathComponent("out")
        for text in ["user\titem\ttimestamp\n", "user\titem\ttimestamp\nu1\tx\n\tb\t5\n"] {
            let path = try Fixtures.file(text)
            do {
                _ = try DatasetPreparer.run(PrepareOptions(input: .logs([path]), output: out))
                Issue.record("an empty dataset was prepared")
            } catch let e as DataError {
                #expect(e.code == .emptyInput)
                #expect(e.message.contains("no events left"))
            }
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func interruptedPrepareLeavesThePreviousSplitsUntouched() throws {
        let dir = try Fixtures.directory()
        let out = dir.appendingPathComponent("out")
        let first = try Fixtures.file(BadInputTests.logText(users: 6))
        _ = try DatasetPreparer.run(PrepareOptions(input: .logs([first]), output: out))
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in ["valid/manifest.json", "test/manifest.json", "stats.json"] {
                files[name] = try Data(contentsOf: out.appendingPathComponent(name))
            }
            return files
        }
        let before = try snapshot()

        // A second run over different data, interrupted once its first split is staged.
        let second = try Fixtures.file(BadInputTests.logText(users: 9))
        var options = PrepareOptions(input: .logs([second]), output: out)
        let interruption = Interruption()
        options.read.interruption = interruption
        options.splitStaged = { _ in interruption.request() }
        #expect(Self.code { _ = try DatasetPreparer.run(options) } == .interrupted)
        #expect(try snapshot() == before)
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(left == ["stats.json", "test", "valid"])
        #expect(try PreparedDataset.read(from: out.appendingPathComponent("valid")).users.count == 6)

        // Uninterrupted, the same run replaces both splits and the stats.
        options.read.interruption = Interruption()
        options.splitStaged = nil
        _ = try DatasetPreparer.run(options)
        #expect(try PreparedDataset.read(from: out.appendingPathComponent("valid")).users.count == 9)
        #expect(try PreparedDataset.read(from: out.appendingPathComponent("test")).users.count == 9)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["stats.json", "test", "valid"])
    }

    @Test func staleStagingOfADeadProcessIsRemoved() throws {
        let out = try Fixtures.directory()
        // pid_t max on Linux is at most 2^22: this pid cannot be running.
        let stale = out.appendingPathComponent("\(OutputStaging.prefix)99999999")
        try FileManager.default.createDirectory(at: stale.appendingPathComponent("valid"), withIntermediateDirectories: true)
        _ = try DatasetPreparer.run(PrepareOptions(input: .logs([try Fixtures.file(BadInputTests.logText())]), output: out))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
    }

}

/// Bad settings and an unusable output are refused before any input is read.
@Suite struct PrepareSettingsTests {
    @Test func nonFiniteThresholdsNegativeGapsAndAFileAsOutputAreRefusedFirst() throws {
        let dir = try Fixtures.directory()
        let log = try Fixtures.file(BadInputTests.logText())
        let out = dir.appendingPathComponent("out")
        func code(_ change: (inout PrepareOptions) -> Void) -> DataError.Code? {
            var options = PrepareOptions(input: .logs([log]), output: out)
            change(&options)
            return BadInputTests.code { _ = try DatasetPreparer.run(options) }
        }
        #expect(code { $0.read.minDwell = .nan } == .invalidArgument)
        #expect(code { $0.read.minRating = .infinity } == .invalidArgument)
        #expect(code { $0.rules.idleGap = -5 } == .invalidArgument)
        #expect(code { $0.rules.appSessionMergeGap = -1 } == .invalidArgument)
        #expect(code { $0.rules.maxLength = 0 } == .invalidArgument)
        let file = dir.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        // A missing input read after the output check: the output error comes first.
        var options = PrepareOptions(input: .logs(["/no/such/log.tsv"]), output: file.appendingPathComponent("out"))
        #expect(BadInputTests.code { _ = try DatasetPreparer.run(options) } == .writeFailed)
        options.output = file
        #expect(BadInputTests.code { _ = try DatasetPreparer.run(options) } == .writeFailed)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
