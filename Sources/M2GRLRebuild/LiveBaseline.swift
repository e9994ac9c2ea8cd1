import Foundation
import M2GRLCore
import Snapshot

/// What the rebuild knows about the live snapshot: its version, manifest, and the model bundle
/// it was exported from (kept in `STATE/bundles/RUN_ID`, named by the manifest's `rebuild.run_id`).
public struct LiveBaseline: Sendable {
    public var version: String
    public var manifest: SnapshotManifest
    /// The kept bundle, nil when the snapshot was not made by a rebuild or its bundle is gone.
    public var bundle: ModelBundle?
    /// Why `bundle` is nil, or where it is.
    public var bundleNote: String
    /// The trainer checkpoint kept next to the bundle (`BUNDLE/checkpoint`), the preferred warm start.
    public var checkpoint: URL?

    /// Reads the live snapshot of `paths.snapshots`, nil when there is none yet.
    public static func read(paths: RebuildPaths) throws(RebuildError) -> LiveBaseline? {
        let store = SnapshotStore(root: paths.snapshots)
        guard FileManager.default.fileExists(atPath: paths.snapshots.path) else { return nil }
        let version: String?
        do { version = try store.currentVersion() } catch {
            throw RebuildError(.stepFailed, "cannot read the live snapshot pointer: \(error)")
        }
        guard let version else { return nil }
        let manifest: SnapshotManifest
        do { manifest = try SnapshotLoader.readManifest(in: paths.snapshots.appendingPathComponent(version)) } catch {
            throw RebuildError(.stepFailed, "cannot read the live snapshot's manifest: \(error)")
        }
        guard let runID = manifest.configuration[RebuildPaths.runIDKey] else {
            return LiveBaseline(version: version, manifest: manifest, bundle: nil,
                                bundleNote: "live snapshot \(version) was not published by m2grl-rebuild (no \(RebuildPaths.runIDKey))")
        }
        let dir = paths.bundle(runID)
        guard FileManager.default.fileExists(atPath: dir.path) else {
            return LiveBaseline(version: version, manifest: manifest, bundle: nil, bundleNote: "bundle \(dir.path) of the live snapshot is missing")
        }
        do {
            let bundle = try ModelBundle.read(from: dir)
            let checkpoint = dir.appendingPathComponent(RebuildPaths.checkpointName)
            let hasCheckpoint = FileManager.default.fileExists(atPath: checkpoint.appendingPathComponent("checkpoint.json").path)
            return LiveBaseline(version: version, manifest: manifest, bundle: bundle, bundleNote: dir.path,
                                checkpoint: hasCheckpoint ? checkpoint : nil)
        } catch {
            return LiveBaseline(version: version, manifest: manifest, bundle: nil, bundleNote: "bundle \(dir.path) does not read: \(error)")
        }
    }

    /// The counts (and fallback recall) the live snapshot recorded when it was built.
    public func recordedMetrics(k: Int) -> GateMetrics {
        let w = manifest.dataWindow
        return GateMetrics(recall: manifest.metrics["rebuild.recall@\(k)"], recallSource: "live manifest (its own held-out day)",
                           windowEvents: w["rebuild.window_events"].flatMap { Int($0) },
                           newestDayEvents: w["rebuild.newest_day_events"].flatMap { Int($0) },
                           items: w["rebuild.items"].flatMap { Int($0) })
    }

    /// The newest day the live snapshot was built with, if it was built by a rebuild.
    public var newestDay: String? { manifest.dataWindow["rebuild.newest_day"] }
}
