import Foundation
import Testing
@testable import M2GRLData

/// Format version 2 leaves derivable files out; anything not derivable is still stored, and
/// version-1 directories (every file present) still read.
@Suite struct DatasetFormatVersionTests {
    static func files(_ dir: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
    }

    @Test func derivableFilesAreLeftOutAndDerivedOnRead() throws {
        let original = try DatasetIOTests.dataset()
        let dir = try Fixtures.directory().appendingPathComponent("v2")
        try original.write(to: dir)
        let names = try Self.files(dir)
        #expect(!names.contains { $0.hasSuffix(".pairs") || $0.hasPrefix("items.") })
        #expect(names.contains("relation0.attribute") && names.contains("view0.vocab.bytes"))
        let loaded = try PreparedDataset.read(from: dir)
        DatasetIOTests.assertEqual(original, loaded)
        #expect(loaded.itemsAreDerived)
        // Built and read datasets make their items on access only.
        #expect(original.itemsAreDerived && loaded.itemsAreDerived)
        #expect(loaded.itemCount == original.items.count)
        #expect(try PreparedDataset.readManifest(dir).version == 2)
    }

    @Test func filesThatDoNotFollowAreStored() throws {
        var data = try DatasetIOTests.dataset()
        data.relations[0].pairs.removeLast()
        data.items[1].displayName = "A title"
        data.items[2].attributes["category"] = "elsewhere"
        data.items[3].id = "renamed"
        let dir = try Fixtures.directory().appendingPathComponent("stored")
        try data.write(to: dir)
        let names = try Self.files(dir)
        #expect(names.contains("relation0.pairs") && !names.contains("relation1.pairs"))
        #expect(names.contains("items.ids.bytes") && names.contains("items.names.bytes"))
        let keys = try PreparedDataset.readManifest(dir).itemAttributeKeys
        #expect(names.contains("items.attr\(keys.firstIndex(of: "category")!).bytes"))
        #expect(!names.contains("items.attr\(keys.firstIndex(of: "shop")!).bytes"))
        DatasetIOTests.assertEqual(data, try PreparedDataset.read(from: dir))
    }

    @Test func versionOneDirectoriesStillRead() throws {
        let original = try DatasetIOTests.dataset()
        let dir = try Fixtures.directory().appendingPathComponent("v1")
        try original.write(to: dir)
        // Add what version 1 always wrote and relabel the manifest.
        var manifest = try PreparedDataset.readManifest(dir)
        var writer = DatasetFileWriter(directory: dir)
        for (r, relation) in original.relations.enumerated() { try writer.writePairs("relation\(r).pairs", relation.pairs) }
        try writer.writeStrings("items.ids", original.items.map(\.id))
        try writer.writeStrings("items.names", original.items.map(\.displayName))
        for (k, key) in manifest.itemAttributeKeys.enumerated() {
            try writer.writeStrings("items.attr\(k)", original.items.map { $0.attributes[key] ?? "" })
        }
        manifest.files.merge(writer.files) { $1 }
        manifest.version = 1
        try JSONEncoder().encode(manifest).write(to: dir.appendingPathComponent("manifest.json"))
        let loaded = try PreparedDataset.read(from: dir)
        DatasetIOTests.assertEqual(original, loaded)
        #expect(!loaded.itemsAreDerived)
        // A stored pairs file is verified like any other.
        let pairs = dir.appendingPathComponent("relation0.pairs")
        var bytes = try Data(contentsOf: pairs)
        bytes[0] ^= 0x01
        try bytes.write(to: pairs)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("corrupt pairs accepted") } catch let e as DataError { #expect(e.code == .corruptDatasetFile) }
    }

    @Test func derivedPairsMustMatchTheManifestCount() throws {
        let dir = try Fixtures.directory().appendingPathComponent("count")
        try DatasetIOTests.dataset().write(to: dir)
        let url = dir.appendingPathComponent("manifest.json")
        var manifest = try PreparedDataset.readManifest(dir)
        manifest.relations[0].pairs += 1
        try JSONEncoder().encode(manifest).write(to: url)
        do { _ = try PreparedDataset.read(from: dir); Issue.record("pair count mismatch accepted") } catch let e as DataError { #expect(e.code == .corruptDatasetFile) }
    }
}

extension PreparedDataset {
    /// Whether the items are made on access (`DerivedItemInfo`) rather than stored.
    var itemsAreDerived: Bool {
        if case .derived = itemStorage { return true }
        return false
    }
}
