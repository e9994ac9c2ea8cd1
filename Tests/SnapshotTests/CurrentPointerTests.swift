import Foundation
import M2GRLCore
import Testing
@testable import Snapshot

/// A damaged `current` pointer or index header is a clear error, never a hang or a crash.
@Suite struct CurrentPointerTests {
    private func published() throws -> (root: URL, version: String) {
        let root = TestSupport.scratch()
        let version = try SnapshotStore(root: root).publish(TestSupport.bundle(items: 300))
        return (root, version)
    }

    private func repoint(_ root: URL, to target: String) throws {
        let link = root.appendingPathComponent(SnapshotStore.currentName)
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target)
    }

    private func error(_ body: () throws -> Void) -> SnapshotError? {
        do { try body(); return nil } catch { return error as? SnapshotError }
    }

    @Test func loopsAndPathsOutsideTheRootAreNamed() throws {
        let (root, version) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        for (target, phrase) in [("current", "symlink loop"), ("/etc", "not a version"), ("../\(root.lastPathComponent)/\(version)", "not a version")] {
            try repoint(root, to: target)
            let e = error { _ = try store.currentVersion() }
            #expect(e?.code == .inconsistent, "\(target)")
            #expect(e?.message.contains(phrase) == true, "\(target)")
            #expect(error { _ = try store.loadCurrent() }?.code == .inconsistent)
            #expect(error { _ = try SnapshotStore.snapshotDirectory(for: root) }?.code == .inconsistent)
        }
        // Rolling back to a named version repairs the pointer.
        try store.setCurrent(version)
        #expect(try store.currentVersion() == version)
        #expect(try store.loadCurrent().version == version)
    }

    @Test func danglingPointerNamesTheMissingVersion() throws {
        let (root, _) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = "20990101T000000.000Z-000000"
        try repoint(root, to: missing)
        let e = error { _ = try SnapshotStore.snapshotDirectory(for: root) }
        #expect(e?.code == .notFound)
        #expect(e?.message.contains(missing) == true)
    }

    /// A damaged vector count in the index header, checksum fixed: Faiss would loop over the
    /// id map for ~2^64 entries; the load fails with `corruptIndex` instead.
    @Test func damagedIndexHeaderWithValidChecksum() throws {
        let (root, version) = try published()
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent(version)
        let url = dir.appendingPathComponent("views/item.faiss")
        var data = try Data(contentsOf: url)
        data.replaceSubrange(8..<16, with: [UInt8](repeating: 0xFF, count: 8))
        try data.write(to: url)
        var m = try SnapshotLoader.readManifest(in: dir)
        let i = try #require(m.views.firstIndex { $0.name == "item" })
        m.views[i].index.sha256 = SHA256.hash(Array(data)).hexString
        try JSONEncoder().encode(m).write(to: dir.appendingPathComponent("manifest.json"))
        let e = error { _ = try LoadedSnapshot.load(from: dir) }
        #expect(e?.code == .corruptIndex)
        #expect(e?.message.contains("index header says -1 vectors") == true)
    }
}

/// Asking for a view the snapshot does not have names the views it does have.
@Suite struct UnknownViewTests {
    @Test func unknownViewListsTheAvailableOnes() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let version = try SnapshotStore(root: root).publish(TestSupport.bundle(items: 200))
        do {
            _ = try SnapshotLoader(viewNames: ["bogus"]).load(from: root.appendingPathComponent(version))
            Issue.record("an unknown view loaded")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.message.contains("no view 'bogus'") && error.message.contains("item"))
        }
    }
}
