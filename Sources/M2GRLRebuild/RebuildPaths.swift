import Foundation

/// Where the rebuild keeps its files.
///
/// ```
/// STATE/rebuild.lock            flock + holder (pid, run id)
/// STATE/pending-publish.json    journal of a publish in progress (version, run id)
/// STATE/work/RUN_ID/            prepared data of a run (removed when it succeeds, and by the next run)
/// STATE/bundles/RUN_ID/         the model bundle behind each published snapshot, and in
///                               its `checkpoint/` the trainer's last-epoch checkpoint (warm start)
/// STATE/runs/RUN_ID.json        run reports
/// STATE/history.jsonl           one line per run
/// SNAPSHOTS/.rebuild-staging/   export target before verification (same file system as SNAPSHOTS)
/// ```
public struct RebuildPaths: Sendable, Equatable {
    public var state: URL
    public var snapshots: URL
    public var input: String

    public init(configuration: RebuildConfiguration) {
        state = URL(fileURLWithPath: configuration.stateDirectory).standardizedFileURL
        snapshots = URL(fileURLWithPath: configuration.snapshotRoot).standardizedFileURL
        input = configuration.inputDirectory
    }

    public var work: URL { state.appendingPathComponent("work") }
    public func work(_ runID: String) -> URL { work.appendingPathComponent(runID) }
    public var bundles: URL { state.appendingPathComponent("bundles") }
    public func bundle(_ runID: String) -> URL { bundles.appendingPathComponent(runID) }
    public var pendingPublish: URL { state.appendingPathComponent("pending-publish.json") }
    public var staging: URL { snapshots.appendingPathComponent(".rebuild-staging") }

    /// Manifest keys through which a snapshot names the run (and so the kept bundle) that produced it.
    public static let runIDKey = "rebuild.run_id"
    /// Subdirectory of a kept bundle holding the trainer checkpoint.
    public static let checkpointName = "checkpoint"
}
