import Foundation
import Testing
@testable import M2GRLData

/// The whole `prepare` pipeline: directories per split, stats JSON, readable datasets.
@Suite struct PreparerTests {
    @Test func writesOneDirectoryPerSplitWithStats() throws {
        let dir = try Fixtures.directory()
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        _ = try SyntheticLogGenerator(config: try SynthConfig(events: 4_000, days: 2, seed: 5)).writeDaily(directory: logs.path)
        let out = dir.appendingPathComponent("out")
        let report = try DatasetPreparer.run(PrepareOptions(input: .logs([logs.path]), output: out, splits: [.valid, .test, .cutoff(LogTimestamp.parse("2026-11-02")!)]))
        #expect(report.input.files.count == 2)
        #expect(report.splits.map(\.split) == ["valid", "test", "cutoff"])
        for name in ["valid", "test", "cutoff"] {
            let data = try PreparedDataset.read(from: out.appendingPathComponent(name))
            #expect(data.views.map(\.name) == ["item", "category", "shop"])
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name)/stats.json").path))
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("stats.json"))) as? [String: Any]
        #expect((json?["input"] as? [String: Any])?["cleanedEvents"] as? Int == report.input.cleanedEvents)
        let test = report.splits[1]
        #expect(test.trainEvents + test.heldOutEvents == report.input.cleanedEvents)
    }

    @Test func badArguments() throws {
        let out = try Fixtures.directory()
        #expect(throws: DataError.self) { try DatasetPreparer.run(PrepareOptions(input: .logs(["/no/such/dir"]), output: out)) }
        #expect(throws: DataError.self) { try DatasetPreparer.run(PrepareOptions(input: .logs([out.path]), output: out)) }
        #expect(throws: DataError.self) { try DatasetSplit(name: "cutoff", cutoff: nil) }
        #expect(throws: DataError.self) { try DatasetSplit(name: "train", cutoff: nil) }
    }
}
