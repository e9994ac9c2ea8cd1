/// What the gate compares between the candidate and the live snapshot.
public struct GateMetrics: Codable, Sendable, Equatable {
    /// Recall@K on the held-out newest day (nil when it could not be measured).
    public var recall: Double?
    /// Where `recall` came from (e.g. "candidate", "live bundle on the same day", "live manifest").
    public var recallSource: String?
    /// Cleaned events in the window, in the held-out newest day, and distinct items in the window.
    public var windowEvents: Int?
    public var newestDayEvents: Int?
    public var items: Int?

    public init(recall: Double? = nil, recallSource: String? = nil, windowEvents: Int? = nil, newestDayEvents: Int? = nil, items: Int? = nil) {
        self.recall = recall
        self.recallSource = recallSource
        self.windowEvents = windowEvents
        self.newestDayEvents = newestDayEvents
        self.items = items
    }
}

/// One gate check.
public struct GateCheck: Codable, Sendable, Equatable {
    public var name: String
    public var candidate: Double
    public var live: Double
    /// The lowest candidate value that passes.
    public var minimum: Double
    public var passed: Bool
}

/// The gate's verdict: passed, or the reasons it refused.
public struct GateDecision: Codable, Sendable, Equatable {
    public var passed: Bool
    public var checks: [GateCheck]
    public var reasons: [String]
}

/// Refuses a candidate whose Recall@K falls more than `maxRecallDrop` (a fraction) below the live
/// model's, or whose window events, newest-day events or items fall more than `maxCountShrink`
/// below the live snapshot's. Without a live baseline (the first run) every check passes.
/// (The recall floor of each index is enforced by the export step.)
public struct QualityGate: Sendable, Equatable {
    public var maxRecallDrop: Double
    public var maxCountShrink: Double
    public var k: Int

    public init(maxRecallDrop: Double, maxCountShrink: Double, k: Int) {
        self.maxRecallDrop = maxRecallDrop
        self.maxCountShrink = maxCountShrink
        self.k = k
    }

    public func decide(candidate: GateMetrics, live: GateMetrics?) -> GateDecision {
        var checks: [GateCheck] = []
        var reasons: [String] = []
        func check(_ name: String, _ c: Double?, _ l: Double?, keep fraction: Double, what: String) {
            guard let c, let l else { return }
            let minimum = l * fraction
            let passed = c >= minimum
            checks.append(GateCheck(name: name, candidate: c, live: l, minimum: minimum, passed: passed))
            if !passed {
                reasons.append(String(format: "%@ %@ is below %@ (%.0f%% of the live snapshot's %@)", what, Self.format(c),
                                      Self.format(minimum), fraction * 100, Self.format(l)))
            }
        }
        let keepCounts = 1 - maxCountShrink
        check("window_events", candidate.windowEvents.map(Double.init), live?.windowEvents.map(Double.init), keep: keepCounts, what: "window events")
        check("newest_day_events", candidate.newestDayEvents.map(Double.init), live?.newestDayEvents.map(Double.init), keep: keepCounts, what: "newest-day events")
        check("items", candidate.items.map(Double.init), live?.items.map(Double.init), keep: keepCounts, what: "items")
        check("recall@\(k)", candidate.recall, live?.recall, keep: 1 - maxRecallDrop, what: "Recall@\(k)")
        return GateDecision(passed: reasons.isEmpty, checks: checks, reasons: reasons)
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.4f", v)
    }
}
