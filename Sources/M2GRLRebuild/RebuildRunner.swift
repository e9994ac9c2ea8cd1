import Foundation
import M2GRLCore
import M2GRLData
import M2GRLTrainer
import Snapshot

/// One daily rebuild: window → prepare → baseline → train → evaluate → gate → keep-bundle →
/// export → verify → publish → reload → prune, under the rebuild lock, with a run report.
///
/// A failure or a crash before `publish` leaves the live snapshot untouched; the next run recovers
/// (stale lock, half-done publish, staging store, work directories). See docs/REBUILD.md.
public struct RebuildRunner: Sendable {
    public var configuration: RebuildConfiguration
    public var options: RebuildOptions
    public var paths: RebuildPaths

    /// Step names in run order (the crash/pause hooks use them too).
    public static let steps = ["recover", "window", "prepare", "baseline", "train", "evaluate", "gate", "keep-bundle",
                               "export", "verify", "publish", "reload", "prune"]

    public init(configuration: RebuildConfiguration, options: RebuildOptions = RebuildOptions()) {
        self.configuration = configuration
        self.options = options
        self.paths = RebuildPaths(configuration: configuration)
    }

    /// Runs one rebuild and returns its report (also written to `STATE/runs/` and the history).
    /// The report's `exitStatus` is the process exit status. Throws only when the lock is busy or the
    /// state directory is unusable (no report can be written then).
    public func run() throws(RebuildError) -> RunReport {
        let runID = "run-" + SnapshotStore.newVersion()
        let lock = try RebuildLock.acquire(in: paths.state, runID: runID)
        defer { lock.release() }
        RebuildCrashPoint.stateDirectory.withLock { $0 = paths.state }
        try? DurableOps.remove(paths.state.appendingPathComponent(RebuildCrashPoint.pauseMarker))
        var report = RunReport(runID: runID, startedAt: Self.timestamp())
        if let stale = lock.staleHolder {
            report.recovered.append("stale lock of pid \(stale.pid) (run \(stale.runID), started \(stale.startedAt)) which is no longer running")
            options.log("recovered a stale lock: pid \(stale.pid) (run \(stale.runID)) died without releasing it")
        }
        let reports = RunReportStore(stateDirectory: paths.state)
        var state = RunState(report: report, runner: self)
        do {
            try state.execute()
        } catch {
            state.fail(error)
        }
        report = state.report
        report.finishedAt = Self.timestamp()
        if report.status == .published || report.status == .upToDate {
            try? DurableOps.remove(paths.work(runID))
        }
        try reports.write(report)
        try reports.appendHistory(report)
        options.log("run \(runID): \(report.status.rawValue) (exit \(report.exitStatus))" + (report.reason.map { ": \($0)" } ?? ""))
        return report
    }

    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
