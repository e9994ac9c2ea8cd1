/// How well a model separates a set of labelled pairs.
public struct PairStatistics: Sendable, Equatable, Codable {
    /// Mean contrastive loss.
    public var loss: Double
    /// Probability that a random positive pair is closer than a random negative pair (ties count ½);
    /// 0.5 is chance, 1 is perfect. NaN when either class is empty.
    public var auc: Double
    /// Mean `d = d_i + d_ic` over positive pairs.
    public var meanPositiveDistance: Double
    /// Mean `d` over negative pairs.
    public var meanNegativeDistance: Double
    /// Number of pairs.
    public var pairs: Int

    enum CodingKeys: String, CodingKey {
        case loss, auc, meanPositiveDistance = "mean_positive_distance", meanNegativeDistance = "mean_negative_distance", pairs
    }
}

extension DiversityMetricModel {
    /// Loss, AUC and mean distances of `pairs` under this model.
    public func statistics(of pairs: [LabeledPair], in features: DiversityFeatures) throws -> PairStatistics {
        try check(features)
        var loss = 0.0
        var pos: [Double] = [], neg: [Double] = []
        for pair in pairs {
            let (di, dic) = try distances(Int(pair.a), Int(pair.b), in: features)
            let d = di + dic
            loss += ContrastiveLoss.value(distance: d, positive: pair.positive, margin: margin)
            if pair.positive { pos.append(d) } else { neg.append(d) }
        }
        func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }
        return PairStatistics(loss: pairs.isEmpty ? .nan : loss / Double(pairs.count),
                              auc: Self.auc(closer: pos, farther: neg),
                              meanPositiveDistance: mean(pos), meanNegativeDistance: mean(neg), pairs: pairs.count)
    }

    /// P(x < y) for x from `closer`, y from `farther`, ties ½ (Mann–Whitney, O(n log n)).
    static func auc(closer: [Double], farther: [Double]) -> Double {
        guard !closer.isEmpty, !farther.isEmpty else { return .nan }
        let all = (closer.map { ($0, true) } + farther.map { ($0, false) }).sorted { $0.0 < $1.0 }
        // Count, for each positive, the negatives strictly greater plus half the equal ones.
        var wins = 0.0
        var negativesSoFar = 0
        var i = 0
        while i < all.count {
            var j = i, posInGroup = 0, negInGroup = 0
            while j < all.count && all[j].0 == all[i].0 {
                if all[j].1 { posInGroup += 1 } else { negInGroup += 1 }
                j += 1
            }
            let greater = farther.count - negativesSoFar - negInGroup
            wins += Double(posInGroup) * (Double(greater) + 0.5 * Double(negInGroup))
            negativesSoFar += negInGroup
            i = j
        }
        return wins / (Double(closer.count) * Double(farther.count))
    }
}
