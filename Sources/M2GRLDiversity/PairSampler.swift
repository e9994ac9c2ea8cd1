import M2GRLCore
import M2GRLData

/// Builds the labelled pairs of the metric model.
///
/// - Positives: pairs of distinct items clicked within `window` positions of each other in a
///   session whose categories are known (≠ 0) and differ — users' real "discovery"
///   transitions. Unordered pairs are deduplicated unless `deduplicate` is false.
/// - Negatives: random pairs of distinct available items, `negativeRatio` per positive, drawn
///   afresh for every epoch from a seeded generator — either uniformly over items, or (`matched`)
///   with both ends drawn from the positives' own item marginal, so negatives are as popular as
///   positives and the metric cannot separate them by popularity alone.
public struct PairSampler: Sendable {
    /// Category dense id per item row (0 = unknown).
    public let categoryOfItem: [Int32]
    /// Rows that may appear in pairs.
    public let candidates: [Int32]
    /// The mined positive pairs.
    public let positives: [LabeledPair]
    /// Both ends of every positive pair (the positives' item marginal, for matched negatives).
    private let endpoints: [Int32]
    private let endpointsVary: Bool

    /// How negative pairs are drawn.
    public enum NegativeSampling: String, Sendable {
        /// Both ends uniform over available items.
        case uniform
        /// Both ends from the positive pairs' item marginal (popularity-matched).
        case matched
    }

    /// Mines positives from session sequences of item rows.
    /// - Parameters:
    ///   - sessions: item sequences (item dense ids = feature rows).
    ///   - categoryOfItem: attribute id per item row (0 = unknown).
    ///   - available: whether each row has vectors (rows beyond the array are unavailable).
    public init(sessions: SequenceSet, categoryOfItem: [Int32], available: [Bool], window: Int, deduplicate: Bool = true) throws {
        guard window >= 1 else { throw DiversityError(.config, "pair window must be ≥ 1, got \(window)") }
        func ok(_ x: Int32) -> Bool {
            let i = Int(x)
            return i > 0 && i < available.count && available[i] && i < categoryOfItem.count && categoryOfItem[i] != 0
        }
        var seen = Set<UInt64>()
        var pos: [LabeledPair] = []
        for s in 0..<sessions.count {
            let seq = sessions[s]
            var i = seq.startIndex
            while i < seq.endIndex {
                let a = seq[i]
                if ok(a) {
                    var j = i + 1
                    while j < seq.endIndex && j <= i + window {
                        let b = seq[j]
                        if b != a, ok(b), categoryOfItem[Int(a)] != categoryOfItem[Int(b)] {
                            let key = UInt64(UInt32(min(a, b))) << 32 | UInt64(UInt32(max(a, b)))
                            if !deduplicate || seen.insert(key).inserted { pos.append(LabeledPair(a, b, positive: true)) }
                        }
                        j += 1
                    }
                }
                i += 1
            }
        }
        self.categoryOfItem = categoryOfItem
        self.candidates = available.indices.filter { $0 > 0 && available[$0] }.map { Int32($0) }
        self.positives = pos
        self.endpoints = pos.flatMap { [$0.a, $0.b] }
        self.endpointsVary = !pos.isEmpty  // a positive pair has two distinct ends
        guard candidates.count >= 2 else { throw DiversityError(.noData, "fewer than two items have vectors") }
    }

    /// Mines positives from a prepared dataset's item-view sessions and its `relation` view.
    public init(dataset: PreparedDataset, relation: String, available: [Bool], window: Int, deduplicate: Bool = true) throws {
        guard let rel = dataset.relations.first(where: { $0.view == relation }) else {
            throw DiversityError(.missing, "dataset has no item → \(relation) relation (has: \(dataset.relations.map(\.view)))")
        }
        try self.init(sessions: dataset.itemView.sequences, categoryOfItem: rel.attributeOfItem, available: available,
                      window: window, deduplicate: deduplicate)
    }

    /// `count` random negative pairs of distinct rows.
    public func negatives(count: Int, sampling: NegativeSampling = .uniform, using rng: inout SeededGenerator) -> [LabeledPair] {
        var out: [LabeledPair] = []
        out.reserveCapacity(max(count, 0))
        // Matched sampling needs two distinct endpoints; otherwise fall back to uniform.
        if sampling == .matched && endpointsVary {
            let n = endpoints.count
            while out.count < count {
                let a = endpoints[Int.random(in: 0..<n, using: &rng)], b = endpoints[Int.random(in: 0..<n, using: &rng)]
                if a != b { out.append(LabeledPair(a, b, positive: false)) }
            }
            return out
        }
        let n = candidates.count
        for _ in 0..<max(count, 0) {
            let i = Int.random(in: 0..<n, using: &rng)
            var j = Int.random(in: 0..<(n - 1), using: &rng)
            if j >= i { j += 1 }
            out.append(LabeledPair(candidates[i], candidates[j], positive: false))
        }
        return out
    }
}
