/// Which part of each user's cleaned, time-ordered interactions trains and which is held out.
///
/// See EVALUATION.md: `test` holds out the last ⌈n/5⌉ interactions per user; `valid` applies
/// the same rule to the `test` split's train part; `cutoff` trains on everything strictly before
/// a timestamp and holds out the rest (the daily rebuild); `all` trains on everything.
public enum DatasetSplit: Sendable, Equatable, CustomStringConvertible {
    case all
    case test
    case valid
    case cutoff(Int64)

    /// The split's name, also its output directory name.
    public var name: String {
        switch self {
        case .all: "all"
        case .test: "test"
        case .valid: "valid"
        case .cutoff: "cutoff"
        }
    }

    public var description: String {
        if case .cutoff(let t) = self { return "cutoff(\(t))" }
        return name
    }

    /// Parses a split name; `cutoff` needs the cut-off timestamp.
    public init(name: String, cutoff: Int64?) throws {
        switch name {
        case "all": self = .all
        case "test": self = .test
        case "valid": self = .valid
        case "cutoff":
            guard let cutoff else { throw DataError(.invalidArgument, "split 'cutoff' needs --cutoff TIMESTAMP") }
            self = .cutoff(cutoff)
        default: throw DataError(.invalidArgument, "unknown split '\(name)' (expected all, test, valid or cutoff)")
        }
    }

    /// For a user's time-ordered events `times`, the end of the train part and the end of the
    /// held-out part: train is `0..<trainEnd`, held out is `trainEnd..<heldOutEnd`.
    func bounds(times: UnsafeBufferPointer<Int64>) -> (trainEnd: Int, heldOutEnd: Int) {
        let n = times.count
        switch self {
        case .all:
            return (n, n)
        case .test:
            return (n - Self.heldOut(n), n)
        case .valid:
            let m = n - Self.heldOut(n)
            return (m - Self.heldOut(m), m)
        case .cutoff(let cutoff):
            var lo = 0
            var hi = n
            while lo < hi {  // first index with time >= cutoff (times are sorted)
                let mid = (lo + hi) / 2
                if times[mid] < cutoff { lo = mid + 1 } else { hi = mid }
            }
            return (lo, n)
        }
    }

    /// ⌈n/5⌉.
    static func heldOut(_ n: Int) -> Int { (n + 4) / 5 }
}

/// How a user's train events are cut into sessions (M2GRL.md §1).
public struct SessionRules: Sendable, Equatable, Codable {
    /// A new session starts when the gap to the previous event exceeds this (seconds).
    public var idleGap: Int64
    /// With an app-session column: a new session also starts at an app-session boundary when the
    /// gap is at least this (seconds); closer app sessions are merged. Ignored without the column.
    public var appSessionMergeGap: Int64
    /// Sessions longer than this are cut into consecutive chunks from the start (nil = no cap).
    public var maxLength: Int?

    public init(idleGap: Int64, appSessionMergeGap: Int64, maxLength: Int?) {
        self.idleGap = idleGap
        self.appSessionMergeGap = appSessionMergeGap
        self.maxLength = maxLength
    }

    /// Behaviour logs: 1 h idle split, 30 min app-session merge, no cap.
    public static let behaviourLog = SessionRules(idleGap: 3600, appSessionMergeGap: 1800, maxLength: nil)
    /// MovieLens: 1-year idle split, chunks of ≤ 50.
    public static let movieLens = SessionRules(idleGap: 365 * 86_400, appSessionMergeGap: 1800, maxLength: 50)
}
