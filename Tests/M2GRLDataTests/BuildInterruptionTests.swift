import Foundation
import Testing
@testable import M2GRLData

/// Grouping and building check for interruption inside their per-user and per-event loops, and
/// writing before each file, not only between phases; stopping at any of those checks leaves
/// `prepare`'s output as it was.
@Suite struct BuildInterruptionTests {
    /// 10,000 users (more than two `usersPerCheck` chunks), 3 events each.
    static let users = 10_000
    static func log() throws -> EventLog {
        try EventLogReader.read(files: [try Fixtures.file(BadInputTests.logText(users: users, perUser: 3))])
    }

    /// Checks made by grouping and by one build, on an uninterrupted run.
    static func checks(_ log: EventLog) throws -> (group: Int, build: Int) {
        let interruption = Interruption()
        let builder = try DatasetBuilder(log: log, rules: .behaviourLog, interruption: interruption)
        let group = interruption.checksMade
        _ = try builder.build(split: .test)
        return (group, interruption.checksMade - group)
    }

    @Test func groupingAndBuildingCheckInsideTheirLoops() throws {
        let (group, build) = try Self.checks(try Self.log())
        let chunks = (Self.users + DatasetBuilder.usersPerCheck - 1) / DatasetBuilder.usersPerCheck
        #expect(chunks == 3)
        // Grouping: the per-user sort checks every chunk of users (plus the event scatter).
        #expect(group >= chunks + 1)
        // Building: four per-user passes check every chunk, plus the per-view steps.
        #expect(build >= 4 * chunks + 3)
    }

    /// Requested at any one of those checks, grouping or building stops with `interrupted`.
    @Test func everyCheckPointStopsTheJob() throws {
        let log = try Self.log()
        let (group, build) = try Self.checks(log)
        for point in 1...(group + build) {
            let interruption = Interruption(requestAfterChecks: point)
            let stopped = BadInputTests.code {
                _ = try DatasetBuilder(log: log, rules: .behaviourLog, interruption: interruption).build(split: .test)
            }
            #expect(stopped == .interrupted, "check \(point) of \(group) + \(build)")
        }
    }

    /// `prepare` interrupted in the middle of a split's build (not between phases) removes its
    /// staging directory and keeps the previous splits.
    @Test func prepareInterruptedMidBuildKeepsThePreviousOutput() throws {
        let dir = try Fixtures.directory()
        let out = dir.appendingPathComponent("out")
        let first = try Fixtures.file(BadInputTests.logText(users: 6))
        _ = try DatasetPreparer.run(PrepareOptions(input: .logs([first]), output: out))
        let before = try Data(contentsOf: out.appendingPathComponent("test/manifest.json"))

        let second = try Fixtures.file(BadInputTests.logText(users: Self.users, perUser: 3))
        var options = PrepareOptions(input: .logs([second]), output: out)
        // The reader's checks come first, then grouping's, one as the first split starts, then
        // the first build's: stop at the middle one of those.
        let (group, build) = try Self.checks(try EventLogReader.read(files: [second]))
        let point = try Self.readChecks(second) + group + 1 + build / 2
        let stop = Interruption(requestAfterChecks: point)
        options.read.interruption = stop
        #expect(BadInputTests.code { _ = try DatasetPreparer.run(options) } == .interrupted)
        #expect(stop.checksMade == point)  // it stopped at that check, inside the build
        #expect(try Data(contentsOf: out.appendingPathComponent("test/manifest.json")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["stats.json", "test", "valid"])
    }

    /// Writing a dataset checks before each file; stopped halfway, it leaves no directory behind.
    @Test func writingChecksBeforeEachFileAndLeavesNothingWhenStopped() throws {
        let (dataset, _) = try DatasetBuilder(log: try Self.log(), rules: .behaviourLog, interruption: Interruption()).build(split: .test)
        let dir = try Fixtures.directory()
        let counting = Interruption()
        try dataset.write(to: dir.appendingPathComponent("full"), interruption: counting)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("full").path)
        #expect(counting.checksMade >= files.count - 1)  // every file but the manifest
        let stop = Interruption(requestAfterChecks: counting.checksMade / 2)
        #expect(BadInputTests.code { try dataset.write(to: dir.appendingPathComponent("stopped"), interruption: stop) } == .interrupted)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["full"])
    }

    /// Checks the reader makes on `file`.
    static func readChecks(_ file: String) throws -> Int {
        var options = LogReadOptions()
        options.interruption = Interruption()
        _ = try EventLogReader.read(files: [file], options: options)
        return options.interruption.checksMade
    }
}
