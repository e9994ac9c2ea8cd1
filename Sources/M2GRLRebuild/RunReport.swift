import Foundation

/// Everything one `m2grl-rebuild run` did, saved as `STATE/runs/RUN_ID.json` and summarised in one
/// history line (`STATE/history.jsonl`).
public struct RunReport: Codable, Sendable, Equatable {
    /// How the run ended.
    public enum Status: String, Codable, Sendable {
        case running
        /// A new snapshot is live (and every server reloaded it).
        case published
        /// The live snapshot already covers the newest day; nothing to do.
        case upToDate = "up_to_date"
        /// The quality gate refused the candidate; the live snapshot keeps serving.
        case rejected
        /// A step failed; the live snapshot keeps serving (or, for `reloadFailed`, is new but not loaded everywhere).
        case failed
        case interrupted
    }

    /// Timing and outcome of one step.
    public struct Step: Codable, Sendable, Equatable {
        public var name: String
        public var seconds: Double
        public var ok: Bool
        public var detail: String
    }

    /// The outcome of telling one server to reload.
    public struct Reload: Codable, Sendable, Equatable {
        public var server: String
        public var ok: Bool
        public var previousVersion: String?
        public var newVersion: String?
        public var error: String?
    }

    public var runID: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: Status = .running
    /// The process exit status this run maps to (docs/REBUILD.md).
    public var exitStatus: Int32 = 0
    /// Why the run did not publish (or what went wrong after publishing).
    public var reason: String?
    /// Dates of the log window, oldest first; the last one is held out.
    public var window: [String] = []
    public var cutoff: Int64?
    public var liveVersionBefore: String?
    public var publishedVersion: String?
    /// Where the warm start came from (a kept bundle), or why it was a cold start.
    public var warmStart: String?
    public var candidate: GateMetrics?
    public var live: GateMetrics?
    public var gate: GateDecision?
    public var steps: [Step] = []
    public var reloads: [Reload] = []
    public var prunedVersions: [String] = []
    /// What the run cleaned up after earlier runs (stale lock, unfinished publish, work directories).
    public var recovered: [String] = []

    public init(runID: String, startedAt: String) {
        self.runID = runID
        self.startedAt = startedAt
    }

    /// The one-line history entry: status, versions, reason and seconds per step.
    public struct HistoryLine: Codable, Sendable, Equatable {
        public var runID: String
        public var startedAt: String
        public var finishedAt: String?
        public var status: Status
        public var exitStatus: Int32
        public var newestDay: String?
        public var liveVersionBefore: String?
        public var publishedVersion: String?
        public var recall: Double?
        public var reason: String?
        /// Step name → seconds, in run order.
        public var steps: [String]
        public var seconds: [Double]
    }

    public var historyLine: HistoryLine {
        HistoryLine(runID: runID, startedAt: startedAt, finishedAt: finishedAt, status: status, exitStatus: exitStatus,
                    newestDay: window.last, liveVersionBefore: liveVersionBefore, publishedVersion: publishedVersion,
                    recall: candidate?.recall, reason: reason, steps: steps.map(\.name),
                    seconds: steps.map { ($0.seconds * 1000).rounded() / 1000 })
    }
}
