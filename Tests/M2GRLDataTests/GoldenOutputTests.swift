import Foundation
import Testing
@testable import M2GRLData

/// Guards the bytes `prepare` writes: the data files of small synthetic datasets must hash to
/// the digests recorded from `main` before the prepare pipeline was optimised (commit 89f68a8).
/// Format version 2 leaves out derivable files (relation pairs, item ids, names equal to ids,
/// attribute columns); the digests below were recorded on version 1's last commit (c6467c0) over
/// the files version 2 still writes, so those are byte-identical. A change here means the
/// dataset format or a rule changed, not just the speed.
@Suite struct GoldenOutputTests {
    /// FNV-1a 64 over every data file (not `manifest.json`, whose `source` names temporary
    /// paths, nor `stats.json`, which holds timings), in name order, each prefixed by its name.
    static func digest(_ directory: URL) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0 != "manifest.json" && $0 != "stats.json" }.sorted()
        var hash = FNV1a()
        for name in names {
            hash.mix(name.utf8)
            hash.mix(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
        return hash.hex + "/\(names.count)"
    }

    /// FNV-1a 64, fed byte runs.
    struct FNV1a {
        private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func mix(_ bytes: some Sequence<UInt8>) { for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 } }
        var hex: String { String(hash, radix: 16) }
    }

    /// Runs `prepare` (splits valid + test, or the cut-off split) on a synthetic log; returns
    /// each split's dataset directory by split name.
    static func prepareSynthetic(_ config: SynthConfig, cutoff: Int64? = nil) throws -> [String: URL] {
        let dir = try Fixtures.directory()
        let log = dir.appendingPathComponent("log.tsv").path
        try SyntheticLogGenerator(config: config).write(to: log)
        var options = PrepareOptions(input: .logs([log]), output: dir.appendingPathComponent("out"),
                                     splits: cutoff.map { [.cutoff($0)] } ?? [.valid, .test])
        options.read.interruption = Interruption()
        let report = try DatasetPreparer.run(options)
        return Dictionary(uniqueKeysWithValues: report.splits.map { ($0.split, options.output.appendingPathComponent($0.split)) })
    }

    /// Runs `prepare` on a synthetic log and returns each split's digest.
    static func prepare(_ config: SynthConfig, cutoff: Int64? = nil) throws -> [String: String] {
        try prepareSynthetic(config, cutoff: cutoff).mapValues(digest)
    }

    @Test func behaviourLogDatasetsUnchanged() throws {
        let digests = try Self.prepare(try SynthConfig(events: 20_000, days: 3, seed: 11))
        print("golden behaviour log: \(digests)")
        #expect(digests == ["valid": "28e7b35eadc2427a/27", "test": "76d0c3674b4eede3/27"])
    }

    /// Version 2 derives the relation pairs instead of storing them; the derived pairs hash like
    /// version 1's `relationN.pairs` files did (recorded on c6467c0 from the same log).
    @Test func derivedRelationPairsMatchVersionOne() throws {
        var digests: [String: String] = [:]
        for (split, directory) in try Self.prepareSynthetic(try SynthConfig(events: 20_000, days: 3, seed: 11)) {
            let dataset = try PreparedDataset.read(from: directory)
            var hash = FNV1a()
            for (r, relation) in dataset.relations.enumerated() {
                hash.mix("relation\(r).pairs".utf8)
                for pair in relation.pairs {
                    withUnsafeBytes(of: pair.item.littleEndian) { hash.mix($0) }
                    withUnsafeBytes(of: pair.attribute.littleEndian) { hash.mix($0) }
                }
            }
            digests[split] = hash.hex + "/\(dataset.relations.count)"
        }
        #expect(digests == ["valid": "d64c4e94d20e64ea/2", "test": "e705014be0031408/2"])
    }

    @Test func appSessionCutoffDatasetUnchanged() throws {
        let config = try SynthConfig(events: 12_000, days: 3, seed: 5, appSessions: true)
        let digests = try Self.prepare(config, cutoff: LogTimestamp.parse("2026-11-03")!)
        print("golden app sessions + cutoff: \(digests)")
        #expect(digests == ["cutoff": "394738c1f9be8e85/27"])
    }

    @Test(.enabled(if: MovieLensTests.directory != nil)) func movieLensDatasetsUnchanged() throws {
        let dir = try Fixtures.directory()
        var options = PrepareOptions(input: .movieLens(directory: MovieLensTests.directory!), output: dir)
        options.read.interruption = Interruption()
        let report = try DatasetPreparer.run(options)
        var digests: [String: String] = [:]
        for split in report.splits { digests[split.split] = try Self.digest(dir.appendingPathComponent(split.split)) }
        print("golden ml-100k: \(digests)")
        #expect(digests == ["valid": "4311c5c823d7af7a/29", "test": "b528fd4eea806aa9/29"])
    }

    /// Items made from the relations (as the builder does) and the same items stored leave the
    /// same files out (and write the same bytes).
    @Test func itemAttributeShortcutMatchesScan() throws {
        let dir = try Fixtures.directory()
        let log = dir.appendingPathComponent("log.tsv").path
        try SyntheticLogGenerator(config: try SynthConfig(events: 4_000, days: 2, seed: 3)).write(to: log)
        var (dataset, _) = try DatasetBuilder(log: try EventLogReader.read(files: [log]), rules: .behaviourLog).build(split: .test)
        #expect(dataset.itemsAreDerived)
        try dataset.write(to: dir.appendingPathComponent("shortcut"))
        let items = dataset.items
        dataset.items = items  // stored items: the writer compares them column by column
        #expect(!dataset.itemsAreDerived)
        try dataset.write(to: dir.appendingPathComponent("scanned"))
        #expect(try Self.digest(dir.appendingPathComponent("shortcut")) == Self.digest(dir.appendingPathComponent("scanned")))
    }
}
