import Foundation
import M2GRLCore
import Testing
@testable import Snapshot

/// A checksum-valid `items.tsv` whose rows or header repeat a key is refused at load: served,
/// it would silently drop metadata (one of two rows with the same id, one of two columns with
/// the same name).
@Suite struct ItemsTableTests {
    /// Publishes a snapshot, rewrites its items.tsv with `change` and re-seals the manifest entry,
    /// so only the content check can catch the damage.
    private func publishedWithItems(_ change: (inout [String]) -> Void) throws -> (root: URL, dir: URL) {
        let root = TestSupport.scratch()
        let version = try SnapshotStore(root: root).publish(TestSupport.bundle(items: 400))
        let dir = root.appendingPathComponent(version)
        let url = dir.appendingPathComponent("items.tsv")
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        change(&lines)
        let text = lines.joined(separator: "\n")
        try Data(text.utf8).write(to: url)
        var m = try SnapshotLoader.readManifest(in: dir)
        m.items = .init(file: "items.tsv", bytes: text.utf8.count, sha256: SHA256.hash(Array(text.utf8)).hexString)
        try JSONEncoder().encode(m).write(to: dir.appendingPathComponent("manifest.json"))
        return (root, dir)
    }

    private func loadError(_ dir: URL) -> SnapshotError? {
        do {
            _ = try LoadedSnapshot.load(from: dir)
            return nil
        } catch {
            return error
        }
    }

    @Test func resealedItemsStillLoad() throws {
        let (root, dir) = try publishedWithItems { _ in }
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try LoadedSnapshot.load(from: dir).items.count == 400)
    }

    @Test func duplicateItemIDIsRefused() throws {
        // Row 3 takes row 1's id: the row count still matches the manifest.
        let (root, dir) = try publishedWithItems { lines in
            let firstID = lines[1].split(separator: "\t", omittingEmptySubsequences: false)[0]
            var third = lines[3].split(separator: "\t", omittingEmptySubsequences: false)
            third[0] = firstID
            lines[3] = third.joined(separator: "\t")
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let error = try #require(loadError(dir))
        #expect(error.code == .inconsistent)
        #expect(error.message.contains("item id '1'"), "\(error)")
        #expect(error.message.contains("items.tsv:4"), "\(error)")
    }

    @Test func duplicateAttributeColumnIsRefused() throws {
        let (root, dir) = try publishedWithItems { lines in
            var header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try? #require(header.count >= 4)
            header[header.count - 1] = header[header.count - 2]
            lines[0] = header.joined(separator: "\t")
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let error = try #require(loadError(dir))
        #expect(error.code == .inconsistent)
        #expect(error.message.contains("column 'category' twice"), "\(error)")
    }

    @Test func attributeColumnNamedLikeAFixedColumnIsRefused() throws {
        let (root, dir) = try publishedWithItems { lines in
            var header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            header[header.count - 1] = "id"
            lines[0] = header.joined(separator: "\t")
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let error = try #require(loadError(dir))
        #expect(error.code == .inconsistent)
        #expect(error.message.contains("column 'id' twice"), "\(error)")
    }
}
