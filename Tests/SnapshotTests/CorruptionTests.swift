import Foundation
import M2GRLCore
import Testing
@testable import Snapshot

/// Every kind of damage to a snapshot directory is detected with its own error code.
@Suite struct CorruptionTests {
    /// A published snapshot in a scratch root; returns (root, version directory).
    private func published() throws -> (URL, URL) {
        let root = TestSupport.scratch()
        let store = SnapshotStore(root: root)
        let version = try store.publish(TestSupport.bundle(items: 400, attachments: ["notes.json": Data("{}".utf8)]))
        return (root, root.appendingPathComponent(version))
    }

    private func expectLoad(_ dir: URL, fails code: SnapshotError.Code, _ comment: Comment? = nil) {
        #expect(comment) { try LoadedSnapshot.load(from: dir) } throws: { error in
            guard let e = error as? SnapshotError else { return false }
            return e.code == code
        }
    }

    private func edit(_ url: URL, _ body: (inout Data) -> Void) throws {
        var data = try Data(contentsOf: url)
        body(&data)
        try data.write(to: url)
    }

    @Test func intactSnapshotLoads() throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try LoadedSnapshot.load(from: dir).views.count == 3)
    }

    @Test(arguments: ["views/item.faiss", "views/category.ids", "items.tsv", "attachments/notes.json", "views/rel.category.item.faiss"])
    func corruptedByteIsDetected(file: String) throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        try edit(dir.appendingPathComponent(file)) { d in
            let i = d.count / 2
            d[i] ^= 0x01
        }
        expectLoad(dir, fails: .checksumMismatch)
    }

    @Test(arguments: ["views/item.faiss", "views/item.ids", "items.tsv"])
    func truncatedFileIsDetected(file: String) throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        try edit(dir.appendingPathComponent(file)) { d in d = d.prefix(d.count - 100) }
        expectLoad(dir, fails: .truncated)
    }

    @Test(arguments: ["views/item.faiss", "views/category.ids", "items.tsv", "attachments/notes.json", "manifest.json"])
    func missingFileIsDetected(file: String) throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent(file))
        expectLoad(dir, fails: .missingFile)
    }

    @Test func futureFormatVersionIsDetected() throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        // A future manifest may have any other shape: only formatVersion is read first.
        try Data(#"{"formatVersion": 2, "somethingNew": [1, 2, 3]}"#.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        expectLoad(dir, fails: .futureFormatVersion)
    }

    @Test func garbageManifestIsDetected() throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        try edit(dir.appendingPathComponent("manifest.json")) { d in d = d.prefix(d.count / 2) }
        expectLoad(dir, fails: .corruptManifest)
    }

    /// Manifest entries that disagree with the files they describe.
    @Test(arguments: ["count", "dimension", "itemCount", "swapIDs", "escape"])
    func inconsistentManifestIsDetected(change: String) throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        var m = try SnapshotLoader.readManifest(in: dir)
        let i = try #require(m.views.firstIndex { $0.name == "item" })
        var expected = SnapshotError.Code.inconsistent
        switch change {
        case "count": m.views[i].count -= 1
        case "dimension": m.views[i].dimension = 32
        case "itemCount": m.itemCount += 1
        case "swapIDs":
            // The item view's ids file replaced by the relational view's (same size, other order):
            // checksums hold, but keys no longer match the index.
            let ids = (1...400).reversed().map(String.init).joined(separator: "\n") + "\n"
            try Data(ids.utf8).write(to: dir.appendingPathComponent("views/item.ids"))
            m.views[i].ids = .init(file: "views/item.ids", bytes: ids.utf8.count, sha256: SHA256.hash(Array(ids.utf8)).hexString)
        default:
            m.views[i].index.file = "../../etc/passwd"
            expected = .corruptManifest
        }
        let encoder = JSONEncoder()
        try encoder.encode(m).write(to: dir.appendingPathComponent("manifest.json"))
        expectLoad(dir, fails: expected, "change \(change)")
    }

    /// A file Faiss cannot parse, with a matching checksum, is a corrupt index, not a crash.
    @Test func unreadableIndexWithValidChecksum() throws {
        let (root, dir) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        let junk = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try junk.write(to: dir.appendingPathComponent("views/category.faiss"))
        var m = try SnapshotLoader.readManifest(in: dir)
        let i = try #require(m.views.firstIndex { $0.name == "category" })
        m.views[i].index.bytes = junk.count
        m.views[i].index.sha256 = SHA256.hash(Array(junk)).hexString
        try JSONEncoder().encode(m).write(to: dir.appendingPathComponent("manifest.json"))
        expectLoad(dir, fails: .corruptIndex)
    }
}
