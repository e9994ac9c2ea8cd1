import Foundation
import M2GRLCore
import Synchronization
import Testing
@testable import Snapshot

@Suite struct StoreTests {
    @Test func listRollbackAndPrune() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        #expect(try store.currentVersion() == nil)
        #expect { try store.loadCurrent() } throws: { ($0 as? SnapshotError)?.code == .notFound }
        var versions: [String] = []
        for seed in 1...4 {
            versions.append(try store.publish(TestSupport.bundle(items: 100, dimension: 8, seed: UInt64(seed))))
            #expect(try store.currentVersion() == versions.last)
        }
        #expect(try store.list() == versions.sorted())
        #expect(versions.allSatisfy(SnapshotStore.isVersionName))

        // Rollback: current moves to an older version, which loads with its own data.
        let older = versions[1]
        try store.setCurrent(older)
        #expect(try store.currentVersion() == older)
        #expect(try store.loadCurrent().version == older)
        #expect { try store.setCurrent("20990101T000000.000Z-abcdef") } throws: { ($0 as? SnapshotError)?.code == .notFound }
        #expect { try store.setCurrent("../x") } throws: { ($0 as? SnapshotError)?.code == .notFound }

        // Prune keeps the newest two plus current.
        let removed = try store.prune(keep: 2)
        let sorted = versions.sorted()
        let expectKept = Set(sorted.suffix(2) + [older])
        #expect(Set(removed) == Set(sorted).subtracting(expectKept))
        #expect(Set(try store.list()) == expectKept)
        #expect(try store.loadCurrent().version == older)
    }

    @Test func leftoversAreCleanedByTheNextPublish() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        let first = try store.publish(TestSupport.bundle(items: 50, dimension: 8))
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent(".tmp-20990101T000000.000Z-000001/views"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent(".current.tmp-x").path, withDestinationPath: "nowhere")
        try fm.createDirectory(at: root.appendingPathComponent(".trash-20200101T000000.000Z-000002"), withIntermediateDirectories: true)
        // A directory without a manifest is not a version.
        #expect(try store.list() == [first])
        let second = try store.publish(TestSupport.bundle(items: 50, dimension: 8, seed: 9))
        let names = try fm.contentsOfDirectory(atPath: root.path).sorted()
        #expect(names == [".publish.lock", first, second, "current"].sorted())
    }

    /// A reader polling `current` during publishes always loads a complete, verified snapshot.
    @Test func readerNeverSeesAHalfWrittenSnapshot() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        try store.publish(TestSupport.bundle(items: 300, dimension: 8, seed: 100))
        let stop = Atomic<Bool>(false)
        let loads = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let reader = Thread {
            while !stop.load(ordering: .acquiring) {
                do {
                    let snap = try store.loadCurrent()
                    // Check the content too: the item count is part of the version's own bundle.
                    if snap.views["item"]?.count != snap.items.count { failures.withLock { $0.append("\(snap.version): item count mismatch") } }
                    loads.add(1, ordering: .relaxed)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        reader.start()
        var published: [String] = []
        for i in 0..<6 {
            published.append(try store.publish(TestSupport.bundle(items: 300 + 50 * i, dimension: 8, seed: UInt64(i)), keep: 2))
        }
        // Let the reader see the last version too.
        let deadline = Date().addingTimeInterval(5)
        while loads.load(ordering: .relaxed) < 10, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        stop.store(true, ordering: .releasing)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(failures.withLock { $0 } == [])
        #expect(loads.load(ordering: .relaxed) >= 10)
        #expect(try store.list().count == 2)
        #expect(try store.currentVersion() == published.last)
    }

    @Test func versionNames() {
        let v = SnapshotStore.newVersion(date: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(SnapshotStore.isVersionName(v))
        #expect(v.hasPrefix("20261118T110640.000Z-"))
        #expect(!SnapshotStore.isVersionName("current"))
        #expect(!SnapshotStore.isVersionName(".tmp-" + v))
        #expect(!SnapshotStore.isVersionName("20261124T000000.000Z-ABCDEF"))
    }

    @Test func concurrentPublisherIsRefused() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let lock = try FileLock(root.appendingPathComponent(".publish.lock"))
        defer { lock.unlock() }
        #expect { try SnapshotStore(root: root).publish(TestSupport.bundle(items: 20, dimension: 4)) } throws: {
            ($0 as? SnapshotError)?.code == .busy
        }
    }
}

@Suite struct StoreLockTests {
    /// Maintenance calls never touch a running publish's files, and prune keeps at least one version.
    @Test func maintenanceRespectsTheLockAndKeepsOne() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        let a = try store.publish(TestSupport.bundle(items: 30, dimension: 4))
        let b = try store.publish(TestSupport.bundle(items: 30, dimension: 4, seed: 2))
        try store.setCurrent(a)
        #expect(try store.prune(keep: 0) == [])  // b is the newest, a is current
        #expect(try store.list() == [a, b].sorted())
        let lock = try FileLock(root.appendingPathComponent(".publish.lock"))
        #expect { try store.prune(keep: 1) } throws: { ($0 as? SnapshotError)?.code == .busy }
        #expect { try store.cleanUpLeftovers() } throws: { ($0 as? SnapshotError)?.code == .busy }
        lock.unlock()
        #expect(try store.prune(keep: 1) == [])  // newest b plus current a
        try store.setCurrent(b)
        #expect(try store.prune(keep: 1) == [a])
        #expect(try store.loadCurrent().version == b)
    }
}
