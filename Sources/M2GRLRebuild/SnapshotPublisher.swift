import Foundation
import M2GRLCore
import Snapshot

/// Export → verify → publish, with a journal so that a crash at any point leaves `current` alone
/// and the next run can clean up.
///
/// The candidate is exported into a staging store inside the snapshot root (same file system),
/// verified there (loaded with checksums, a probe query answered), then renamed into the root and
/// made current with `SnapshotStore.setCurrent` (an atomic symlink rename). The journal
/// `STATE/pending-publish.json` is written before the rename and removed after the switch; a run
/// that finds it undoes a half-done publish (removes the version unless it became current).
public struct SnapshotPublisher: Sendable {
    public var paths: RebuildPaths
    public var configuration: ExportConfiguration

    public init(paths: RebuildPaths, configuration: ExportConfiguration) {
        self.paths = paths
        self.configuration = configuration
    }

    struct Journal: Codable {
        var version: String
        var runID: String
    }

    public var store: SnapshotStore { SnapshotStore(root: paths.snapshots) }

    /// Builds the indexes of `bundle` into the staging store; returns the staged version.
    /// A `recallBelowFloor` export error is a gate rejection.
    public func stage(_ bundle: ModelBundle, progress: @escaping @Sendable (String) -> Void) throws(RebuildError) -> String {
        try DurableOps.removeIfPresent(paths.staging)
        try DurableOps.makeDirectory(paths.snapshots)
        do {
            return try SnapshotStore(root: paths.staging).publish(bundle, configuration: configuration, keep: nil, progress: progress)
        } catch let e where e.code == .recallBelowFloor {
            throw RebuildError(.gateRejected, "an index misses its recall floor: \(e.message)")
        } catch {
            throw RebuildError(.stepFailed, "export: \(error)")
        }
    }

    /// Loads the staged version with checksum verification and answers a probe query per view.
    /// - Returns: a one-line summary.
    public func verify(version: String, expectedItems: Int) throws(RebuildError) -> String {
        let dir = paths.staging.appendingPathComponent(version)
        let snap: LoadedSnapshot
        do { snap = try LoadedSnapshot.load(from: dir, verifyChecksums: true) } catch {
            throw RebuildError(.stepFailed, "verify: staged snapshot \(version) does not load: \(error)")
        }
        guard let item = snap.view(named: "item") else { throw RebuildError(.stepFailed, "verify: staged snapshot has no item view") }
        guard item.keyMap.count == expectedItems else {
            throw RebuildError(.stepFailed, "verify: item view holds \(item.keyMap.count) vectors, the model \(expectedItems)")
        }
        var probed = 0
        for (name, view) in snap.views.sorted(by: { $0.key < $1.key }) where view.keyMap.count > 0 && view.kind == .view {
            let id = view.keyMap.externalIDs[0]
            let hits: [Neighbor]
            do { hits = try snap.neighbors(view: name, externalID: id, k: 5) } catch {
                throw RebuildError(.stepFailed, "verify: probe query on view \(name) failed: \(error)")
            }
            guard !hits.isEmpty || view.keyMap.count == 1 else {
                throw RebuildError(.stepFailed, "verify: probe query on view \(name) returned nothing")
            }
            probed += 1
        }
        return "\(snap.views.count) views load with checksums, \(probed) probe queries answered"
    }

    /// Moves the staged version into the root and makes it current.
    public func publish(version: String, runID: String) throws(RebuildError) {
        let journal = Journal(version: version, runID: runID)
        guard let data = try? JSONEncoder().encode(journal) else { throw RebuildError(.stepFailed, "cannot encode journal") }
        try DurableOps.writeAtomically(data, to: paths.pendingPublish)
        let final = paths.snapshots.appendingPathComponent(version)
        try DurableOps.rename(paths.staging.appendingPathComponent(version), to: final)
        try DurableOps.fsyncDirectory(paths.snapshots)
        RebuildCrashPoint.reached("moved")
        do { try store.setCurrent(version) } catch {
            throw RebuildError(.stepFailed, "publish: cannot switch current to \(version): \(error)")
        }
        RebuildCrashPoint.reached("switched")
        try DurableOps.remove(paths.pendingPublish)
        try? DurableOps.removeIfPresent(paths.staging)
    }

    /// Undoes what an interrupted run left: a half-done publish, the staging store, store leftovers.
    /// - Returns: descriptions of what was cleaned.
    public func recover() throws(RebuildError) -> [String] {
        var notes: [String] = []
        if let data = try? Data(contentsOf: paths.pendingPublish), let journal = try? JSONDecoder().decode(Journal.self, from: data) {
            let current = try? store.currentVersion()
            if current == journal.version {
                notes.append("publish of \(journal.version) (run \(journal.runID)) had switched current before the crash; kept")
            } else {
                let dir = paths.snapshots.appendingPathComponent(journal.version)
                if FileManager.default.fileExists(atPath: dir.path) {
                    try DurableOps.removeViaTrash(dir)
                    try DurableOps.fsyncDirectory(paths.snapshots)
                }
                notes.append("removed \(journal.version) of interrupted run \(journal.runID) (never became current)")
            }
            try DurableOps.remove(paths.pendingPublish)
        }
        if FileManager.default.fileExists(atPath: paths.staging.path) {
            try DurableOps.removeIfPresent(paths.staging)
            notes.append("removed the staging store of an interrupted export")
        }
        if FileManager.default.fileExists(atPath: paths.snapshots.path) {
            do {
                for name in try store.cleanUpLeftovers() { notes.append("removed snapshot leftover \(name)") }
            } catch {
                throw RebuildError(.stepFailed, "cleaning snapshot leftovers: \(error)")
            }
        }
        return notes
    }
}
