import Foundation
import Snapshot

/// `m2grl-rebuild status`: snapshot versions (which is live, which run made each), the lock, the last runs.
public struct RebuildStatus: Sendable, Equatable {
    public struct Version: Sendable, Equatable {
        public var version: String
        public var live: Bool
        public var runID: String?
        public var newestDay: String?
        public var recall: Double?
    }

    public var versions: [Version]
    public var lockHolder: RebuildLock.Holder?
    public var runs: [RunReport.HistoryLine]

    /// Reads the state of the configured snapshot root and state directory.
    public static func read(configuration: RebuildConfiguration) throws(RebuildError) -> RebuildStatus {
        let paths = RebuildPaths(configuration: configuration)
        let store = SnapshotStore(root: paths.snapshots)
        var versions: [Version] = []
        if FileManager.default.fileExists(atPath: paths.snapshots.path) {
            do {
                let live = try store.currentVersion()
                for v in try store.list() {
                    let m = try? SnapshotLoader.readManifest(in: paths.snapshots.appendingPathComponent(v))
                    versions.append(Version(version: v, live: v == live, runID: m?.configuration[RebuildPaths.runIDKey],
                                            newestDay: m?.dataWindow["rebuild.newest_day"],
                                            recall: m?.metrics["rebuild.recall@\(configuration.gateK)"]))
                }
            } catch {
                throw RebuildError(.input, "cannot read \(paths.snapshots.path): \(error)")
            }
        }
        let holder = RebuildLock.isHeld(in: paths.state) ? RebuildLock.recordedHolder(in: paths.state) : nil
        let runs = RunReportStore(stateDirectory: paths.state).history(last: configuration.statusRuns)
        return RebuildStatus(versions: versions, lockHolder: holder, runs: runs)
    }

    /// Human-readable listing.
    public var text: String {
        var lines = ["snapshots:"]
        if versions.isEmpty { lines.append("  (none)") }
        for v in versions {
            var line = "  \(v.live ? "*" : " ") \(v.version)"
            if let d = v.newestDay { line += "  newest day \(d)" }
            if let r = v.recall { line += String(format: "  recall %.4f", r) }
            if let run = v.runID { line += "  \(run)" }
            lines.append(line)
        }
        lines.append(lockHolder.map { "lock: held by pid \($0.pid) (\($0.runID), since \($0.startedAt))" } ?? "lock: free")
        lines.append("last runs:")
        if runs.isEmpty { lines.append("  (none)") }
        for r in runs {
            let total = r.seconds.reduce(0, +)
            var line = "  \(r.startedAt)  \(r.status.rawValue) (exit \(r.exitStatus))  \(String(format: "%.1f", total)) s"
            if let v = r.publishedVersion { line += "  → \(v)" }
            if let reason = r.reason { line += "  \(reason)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
