import M2GRLData

/// The "Diversity" evaluation of EVALUATION.md for any retrieval function.
///
/// Per test user (one with held-out items and a trigger): trigger = last train item; candidates
/// exclude the trigger and all of the user's train items; top-K is scored against the held-out
/// items. "New categories" = categories absent from the user's train items. Reported:
/// - `newCategoryShare`: share of the returned top-K whose category is new (unknown category 0
///   never counts as new); users with an empty list are left out of this mean;
/// - `discoveryRecall`: Recall@K restricted to held-out items of known, new categories (over the
///   users that have at least one such item);
/// - `recall`: plain Recall@K (denominator = all distinct held-out items, cold ones included);
/// - `hitRate`: share of users with at least one hit.
public enum DiversityEvaluation {
    /// A mean over users with its standard error.
    public struct Metric: Sendable, Equatable, CustomStringConvertible {
        public var mean: Double
        public var standardError: Double
        public var users: Int

        init(_ values: [Double]) {
            users = values.count
            mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
            if values.count > 1 {
                let m = mean
                let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
                standardError = (v / Double(values.count)).squareRoot()
            } else {
                standardError = .nan
            }
        }

        public var description: String {
            let m = (mean * 10000).rounded() / 100, s = (standardError * 10000).rounded() / 100
            return "\(m)% ± \(s) (n=\(users))"
        }
    }

    /// All metrics at one K.
    public struct Report: Sendable, Equatable {
        public var k: Int
        public var newCategoryShare: Metric
        public var discoveryRecall: Metric
        public var recall: Metric
        public var hitRate: Metric
    }

    /// Evaluates `retrieve(trigger, count)`, which returns item ids (= rows) best first; it may
    /// return excluded items (they are filtered here), so it is asked for K plus the number of
    /// the user's distinct train items.
    public static func evaluate(users: [UserHistory], categoryOfItem: [Int32], k: Int,
                                retrieve: (_ trigger: Int32, _ count: Int) throws -> [Int32]) throws -> Report {
        try evaluate(users: users, categoryOfItem: categoryOfItem, k: k) { _, trigger, count in try retrieve(trigger, count) }
    }

    /// The same, with a retrieval function that also sees the user (e.g. to exclude the user's
    /// recent categories, as a DIVERSE request does).
    public static func evaluate(users: [UserHistory], categoryOfItem: [Int32], k: Int,
                                retrieveForUser retrieve: (_ user: UserHistory, _ trigger: Int32, _ count: Int) throws -> [Int32]) throws -> Report {
        guard k > 0 else { throw DiversityError(.invalidInput, "K must be > 0") }
        func category(_ item: Int32) -> Int32 {
            let i = Int(item)
            return i > 0 && i < categoryOfItem.count ? categoryOfItem[i] : 0
        }
        var share: [Double] = [], discovery: [Double] = [], recall: [Double] = [], hit: [Double] = []
        for user in users {
            guard let trigger = user.trainItems.last, user.heldOutCount > 0 else { continue }
            let seen = Set(user.trainItems)
            let seenCategories = Set(user.trainItems.map(category))
            let ranked = try retrieve(user, trigger, k + seen.count)
            var top: [Int32] = []
            var taken = Set<Int32>()
            for item in ranked where !seen.contains(item) && item != 0 && taken.insert(item).inserted {
                top.append(item)
                if top.count == k { break }
            }
            let truth = Set(user.heldOutItems.filter { $0 != 0 })
            let hits = top.filter { truth.contains($0) }
            recall.append(Double(hits.count) / Double(user.heldOutCount))
            hit.append(hits.isEmpty ? 0 : 1)
            if !top.isEmpty {
                let fresh = top.filter { let c = category($0); return c != 0 && !seenCategories.contains(c) }
                share.append(Double(fresh.count) / Double(top.count))
            }
            let discoveries = truth.filter { let c = category($0); return c != 0 && !seenCategories.contains(c) }
            if !discoveries.isEmpty {
                discovery.append(Double(hits.filter { discoveries.contains($0) }.count) / Double(discoveries.count))
            }
        }
        return Report(k: k, newCategoryShare: Metric(share), discoveryRecall: Metric(discovery),
                      recall: Metric(recall), hitRate: Metric(hit))
    }

    /// A retrieval function ranking by the weighted metric distance to the trigger.
    public static func metricRetrieval(_ ranking: WeightedDistanceRanking, weights: DiversityWeights)
        -> (Int32, Int) throws -> [Int32] {
        { trigger, count in
            let row = Int(trigger)
            guard row < ranking.features.count, ranking.features.available[row] else { return [] }
            return try ranking.rank(row, weights: weights, k: count).map { Int32($0.row) }
        }
    }

    /// The baseline: raw inner product of item vectors `e_i` (ties by ascending row).
    public static func itemInnerProductRetrieval(_ features: DiversityFeatures) -> (Int32, Int) throws -> [Int32] {
        let rows = features.availableRows
        let d = features.itemDimension
        return { trigger, count in
            let a = Int(trigger)
            guard a < features.count, features.available[a] else { return [] }
            var scored: [(Int, Double)] = []
            scored.reserveCapacity(rows.count)
            for b in rows where b != a {
                var s = 0.0
                for j in 0..<d { s += Double(features.item[a * d + j]) * Double(features.item[b * d + j]) }
                scored.append((b, s))
            }
            scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            return scored.prefix(count).map { Int32($0.0) }
        }
    }
}
