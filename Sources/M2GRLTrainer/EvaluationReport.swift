import Foundation

/// Offline retrieval metrics at K over the evaluated users (EVALUATION.md), with per-user values kept
/// for paired comparisons.
public struct EvaluationReport: Sendable, Equatable {
    public var k: Int
    public var triggers: Int
    /// Evaluated users (those with at least one held-out item), in dataset order.
    public var users: [String]
    /// Per user: 1 if at least one hit, hits / held-out count, hits / K.
    public var hit: [Double]
    public var recall: [Double]
    public var precision: [Double]
    /// Evaluated users who got no query: no vector for the last train item (1 trigger) or for any of
    /// the last 3 (3 triggers), or no train item at all. They count as all misses.
    public var usersWithoutTrigger = 0
    /// With 3 triggers: evaluated users whose query averaged fewer vectors than they have trigger items.
    public var usersWithPartialTrigger = 0
    /// Items of the split the model has a vector for, and all items of the split.
    public var coveredItems = 0
    public var datasetItems = 0

    public var userCount: Int { users.count }
    public var hitRate: Double { Self.mean(hit) }
    public var recallMean: Double { Self.mean(recall) }
    public var precisionMean: Double { Self.mean(precision) }
    /// `2PR/(P+R)` on the averaged P and R.
    public var f1: Double {
        let p = precisionMean, r = recallMean
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
    public var hitRateSE: Double { Self.standardError(hit) }
    public var recallSE: Double { Self.standardError(recall) }
    public var precisionSE: Double { Self.standardError(precision) }
    /// Delta-method standard error of F1 from the per-user P and R (with their covariance).
    public var f1SE: Double {
        let p = precisionMean, r = recallMean, n = Double(users.count)
        guard p + r > 0, n > 1 else { return 0 }
        let gp = 2 * r * r / ((p + r) * (p + r)), gr = 2 * p * p / ((p + r) * (p + r))
        var vp = 0.0, vr = 0.0, cpr = 0.0
        for i in users.indices {
            vp += (precision[i] - p) * (precision[i] - p)
            vr += (recall[i] - r) * (recall[i] - r)
            cpr += (precision[i] - p) * (recall[i] - r)
        }
        let scale = 1 / ((n - 1) * n)
        return max(0, (gp * gp * vp + gr * gr * vr + 2 * gp * gr * cpr) * scale).squareRoot()
    }

    /// Metrics by name as stored in a model bundle: `prefix.hitrate@K`, `.recall@K`, `.precision@K`, `.f1@K`
    /// and their `_se`.
    public func metrics(prefix: String) -> [String: Double] {
        let s = "@\(k)"
        return [
            "\(prefix).hitrate\(s)": hitRate, "\(prefix).hitrate\(s)_se": hitRateSE,
            "\(prefix).recall\(s)": recallMean, "\(prefix).recall\(s)_se": recallSE,
            "\(prefix).precision\(s)": precisionMean, "\(prefix).precision\(s)_se": precisionSE,
            "\(prefix).f1\(s)": f1, "\(prefix).f1\(s)_se": f1SE,
            "\(prefix).users": Double(userCount),
            "\(prefix).users_without_trigger": Double(usersWithoutTrigger),
        ]
    }

    /// A one-line human summary in percent.
    public var summary: String {
        func pct(_ v: Double, _ se: Double) -> String { String(format: "%.2f%% ± %.2f", v * 100, se * 100) }
        return "users \(userCount)  HitRate@\(k) \(pct(hitRate, hitRateSE))  Recall@\(k) \(pct(recallMean, recallSE))  "
            + "Precision@\(k) \(pct(precisionMean, precisionSE))  F1@\(k) \(pct(f1, f1SE))"
    }

    /// The report as a JSON object: metrics and standard errors, user counts, item coverage.
    public var jsonObject: [String: Any] {
        var o: [String: Any] = [
            "k": k, "triggers": triggers, "users": userCount,
            "users_without_trigger": usersWithoutTrigger, "users_with_partial_trigger": usersWithPartialTrigger,
            "covered_items": coveredItems, "dataset_items": datasetItems,
        ]
        for (key, v) in metrics(prefix: "m") where !key.hasSuffix(".users") && !key.hasSuffix("_trigger") {
            o[String(key.dropFirst(2))] = v
        }
        return o
    }

    static func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    /// Standard error of the mean (sample standard deviation / √n).
    static func standardError(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        let ss = x.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (ss / Double(x.count - 1) / Double(x.count)).squareRoot()
    }
}
