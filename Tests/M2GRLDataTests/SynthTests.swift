import Foundation
import Testing
@testable import M2GRLData

/// The synthetic log: deterministic, parseable, daily files, planted structure.
@Suite struct SynthTests {
    @Test func deterministicBySeedAndParseable() throws {
        let dir = try Fixtures.directory()
        let config = try SynthConfig(events: 5_000, days: 2, seed: 7)
        let a = dir.appendingPathComponent("a.tsv").path, b = dir.appendingPathComponent("b.tsv").path
        try SyntheticLogGenerator(config: config).write(to: a)
        try SyntheticLogGenerator(config: config).write(to: b)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        let c = dir.appendingPathComponent("c.tsv").path
        try SyntheticLogGenerator(config: try SynthConfig(events: 5_000, days: 2, seed: 8)).write(to: c)
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) != Data(contentsOf: URL(fileURLWithPath: c)))

        let log = try EventLogReader.read(files: [a])
        #expect(log.report.linesRead == 5_000)
        #expect(log.report.malformedTotal == 0)
        #expect(log.attributeNames == ["category", "shop"])
        // About 10% short dwell, dropped.
        #expect(log.report.droppedShortDwell > 300 && log.report.droppedShortDwell < 700)
        // Timestamps within the two days from 2026-11-01.
        let first = LogTimestamp.parse("2026-11-01")!
        #expect(log.eventTime.allSatisfy { $0 >= first && $0 < first + 2 * 86_400 })
    }

    @Test func plantedStructureRareItemsCommonAttributes() throws {
        let path = try Fixtures.file("", name: "s.tsv")
        try SyntheticLogGenerator(config: try SynthConfig(events: 20_000, seed: 1)).write(to: path)
        let (data, _) = try DatasetBuilder(log: try EventLogReader.read(files: [path]), rules: .behaviourLog).build(split: .all)
        let item = data.itemView, shop = data.view(named: "shop")!, category = data.view(named: "category")!
        // Long tail: most items are seen at most twice, while the head is far more frequent.
        let itemCounts = item.counts.dropFirst()
        let rare = itemCounts.filter { $0 <= 2 }.count
        #expect(Double(rare) / Double(itemCounts.count) > 0.5)
        #expect(itemCounts.max()! > 20)
        // Attribute nodes recur far more than items.
        let meanItem = Double(itemCounts.reduce(0, +)) / Double(itemCounts.count)
        let meanShop = Double(shop.counts.reduce(0, +)) / Double(shop.nodeCount - 1)
        #expect(meanShop > 5 * meanItem)
        // Sessions stay within a category: the category sequences are much shorter than item ones.
        #expect(Double(category.sequences.tokens.count) < 0.5 * Double(item.sequences.tokens.count))
    }

    @Test func dailyFilesAndGzip() throws {
        let dir = try Fixtures.directory()
        let config = try SynthConfig(events: 3_000, days: 3, firstDate: "2026-12-30", seed: 3, appSessions: true)
        let paths = try SyntheticLogGenerator(config: config).writeDaily(directory: dir.path, compress: true)
        #expect(paths.map { ($0 as NSString).lastPathComponent } == ["2026-12-30.tsv.gz", "2026-12-31.tsv.gz", "2027-01-01.tsv.gz"])
        let log = try EventLogReader.read(files: paths)
        #expect(log.report.linesRead == 3_000)
        #expect(log.hasAppSessions)
        let day3 = LogTimestamp.parse("2027-01-01")!
        let (_, stats) = try DatasetBuilder(log: log, rules: .behaviourLog).build(split: .cutoff(day3))
        #expect(stats.heldOutEvents > 700 && stats.heldOutEvents < 1_100)
        #expect(throws: DataError.self) { try SynthConfig(events: 10, firstDate: "Nov 1") }
        #expect(throws: DataError.self) { try SynthConfig(events: 0) }
    }
}

/// A requested interruption stops jobs with a typed error and leaves no partial output.
@Suite struct InterruptionTests {
    @Test func interruptedJobsLeaveNoPartialOutput() throws {
        let dir = try Fixtures.directory()
        let path = dir.appendingPathComponent("log.tsv").path
        try SyntheticLogGenerator(config: try SynthConfig(events: 2_000, seed: 2)).write(to: path)
        let interruption = Interruption()
        interruption.request()
        var options = LogReadOptions()
        options.interruption = interruption
        do { _ = try EventLogReader.read(files: [path], options: options); Issue.record("not interrupted") } catch let e as DataError { #expect(e.code == .interrupted) }
        let big = dir.appendingPathComponent("big.tsv").path
        do { try SyntheticLogGenerator(config: try SynthConfig(events: 200_000, seed: 2)).write(to: big, interruption: interruption); Issue.record("not interrupted") } catch let e as DataError { #expect(e.code == .interrupted) }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names == ["log.tsv"])
    }
}
