import Foundation
import Testing
@testable import M2GRLData

/// Writing and reading dataset directories, and their typed errors.
@Suite struct DatasetIOTests {
    static func dataset() throws -> PreparedDataset {
        let log = try Fixtures.log([
            "user\titem\ttimestamp\tcategory\tshop",
            "u1\tx\t10\tc1\ts1", "u1\ty\t20\tc1\ts2", "u1\tz\t30\tc2\ts2", "u1\tx\t40\tc1\ts1",
            "u2\tz\t10\tc2\ts2", "u2\tw\t20\t\ts3", "u2\tq\t30\tc3\ts3",
        ])
        return try DatasetBuilder(log: log, rules: .behaviourLog).build(split: .test, source: ["input": "fixture"]).dataset
    }

    static func assertEqual(_ a: PreparedDataset, _ b: PreparedDataset) {
        #expect(a.views.map(\.name) == b.views.map(\.name))
        for (va, vb) in zip(a.views, b.views) {
            #expect(va.vocabulary == vb.vocabulary)
            #expect(va.counts == vb.counts)
            #expect(va.sequences == vb.sequences)
            #expect(va.edges == vb.edges)
        }
        for (ra, rb) in zip(a.relations, b.relations) {
            #expect(ra.view == rb.view)
            #expect(ra.attributeOfItem == rb.attributeOfItem)
            #expect(ra.pairs.map { [$0.item, $0.attribute] } == rb.pairs.map { [$0.item, $0.attribute] })
        }
        #expect(a.users.map(\.user) == b.users.map(\.user))
        #expect(a.users.map(\.trainItems) == b.users.map(\.trainItems))
        #expect(a.users.map(\.heldOutItems) == b.users.map(\.heldOutItems))
        #expect(a.users.map(\.heldOutCount) == b.users.map(\.heldOutCount))
        #expect(a.items == b.items)
        #expect(a.source == b.source)
    }

    @Test func roundTrip() throws {
        let original = try Self.dataset()
        let dir = try Fixtures.directory().appendingPathComponent("test")
        try original.write(to: dir)
        let loaded = try PreparedDataset.read(from: dir)
        Self.assertEqual(original, loaded)
        #expect(loaded.items.contains { $0.id == "w" && $0.attributes == ["shop": "s3"] } || !loaded.itemView.vocabulary.contains("w"))
        // Rewriting over an existing directory replaces it.
        try loaded.write(to: dir)
        Self.assertEqual(original, try PreparedDataset.read(from: dir))
    }

    @Test func roundTripMovieLensSized() throws {
        var lines = ["user\titem\ttimestamp\tcategory"]
        for u in 0..<50 { for k in 0..<40 { lines.append("u\(u)\ti\((u * 7 + k * 13) % 300)\t\(k * 60)\tc\(((u * 7 + k * 13) % 300) % 11)") } }
        let data = try DatasetBuilder(log: try Fixtures.log(lines), rules: .behaviourLog).build(split: .valid).dataset
        let dir = try Fixtures.directory().appendingPathComponent("valid")
        try data.write(to: dir)
        Self.assertEqual(data, try PreparedDataset.read(from: dir))
    }

    @Test func corruptTruncatedMissingAndFutureFilesAreTypedErrors() throws {
        let dir = try Fixtures.directory().appendingPathComponent("d")
        try Self.dataset().write(to: dir)
        let tokens = dir.appendingPathComponent("view0.tokens")
        var bytes = try Data(contentsOf: tokens)
        bytes[0] ^= 0xFF
        try bytes.write(to: tokens)
        #expect(throws: DataError.self) { try PreparedDataset.read(from: dir) }
        do { _ = try PreparedDataset.read(from: dir) } catch let e as DataError { #expect(e.code == .corruptDatasetFile) }
        bytes[0] ^= 0xFF
        try bytes.dropLast(4).write(to: tokens)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("truncated file accepted") } catch let e as DataError { #expect(e.code == .corruptDatasetFile) }
        try FileManager.default.removeItem(at: tokens)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("missing file accepted") } catch let e as DataError { #expect(e.code == .missingDatasetFile) }

        let manifestURL = dir.appendingPathComponent("manifest.json")
        let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"version\" : 2", with: "\"version\" : 3").write(to: manifestURL, atomically: true, encoding: .utf8)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("future version accepted") } catch let e as DataError { #expect(e.code == .unsupportedFormatVersion) }
        try "{not json".write(to: manifestURL, atomically: true, encoding: .utf8)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("bad manifest accepted") } catch let e as DataError { #expect(e.code == .invalidManifest) }
        do { _ = try PreparedDataset.read(from: dir.appendingPathComponent("nope")); Issue.record("missing dir accepted") } catch let e as DataError { #expect(e.code == .missingDatasetFile) }
    }

    @Test func outOfRangeTokenIsCorrupt() throws {
        var data = try Self.dataset()
        data.views[1].sequences.tokens[0] = 999
        let dir = try Fixtures.directory().appendingPathComponent("d")
        try data.write(to: dir)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("out-of-range id accepted") } catch let e as DataError { #expect(e.code == .corruptDatasetFile) }
    }
}
