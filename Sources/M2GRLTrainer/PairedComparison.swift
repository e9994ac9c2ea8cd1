import Foundation

/// Per-user paired difference of one metric between two models evaluated on the same users.
public struct PairedComparison: Sendable, Equatable {
    /// Which per-user metric is compared.
    public enum Metric: String, Sendable, CaseIterable { case recall, hit, precision }

    public var metric: Metric
    public var users: Int
    /// Mean of `a − b` over users.
    public var meanDifference: Double
    public var standardError: Double
    /// 95% interval: mean ± 1.96·SE (normal approximation; n is in the hundreds).
    public var lower: Double { meanDifference - 1.96 * standardError }
    public var upper: Double { meanDifference + 1.96 * standardError }
    /// Users where a is better / worse.
    public var wins: Int
    public var losses: Int

    /// Compares `a` against `b`; throws when they were not evaluated on the same users.
    public init(_ a: EvaluationReport, _ b: EvaluationReport, metric: Metric = .recall) throws {
        guard a.users == b.users, a.k == b.k else {
            throw TrainerError(.invalidModel, "paired comparison needs the same users and K (\(a.userCount) vs \(b.userCount) users, K \(a.k) vs \(b.k))")
        }
        func values(_ r: EvaluationReport) -> [Double] {
            switch metric { case .recall: r.recall; case .hit: r.hit; case .precision: r.precision }
        }
        let diff = zip(values(a), values(b)).map { $0 - $1 }
        self.metric = metric
        users = diff.count
        meanDifference = EvaluationReport.mean(diff)
        standardError = EvaluationReport.standardError(diff)
        wins = diff.filter { $0 > 0 }.count
        losses = diff.filter { $0 < 0 }.count
    }

    public var summary: String {
        String(format: "%@@K: a − b = %+.2f pp, 95%% CI [%+.2f, %+.2f] pp (SE %.2f), users %d, a better on %d, worse on %d",
               metric.rawValue, meanDifference * 100, lower * 100, upper * 100, standardError * 100, users, wins, losses)
    }
}
