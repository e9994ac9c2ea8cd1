/// The brute-force reference ranking: candidates by ascending `w_i·d_i + w_ic·d_ic`,
/// ties by ascending row, computed in Double from the projected vectors.
///
/// Projections `L_i e_i`, `L_ic e_ic` of all available rows are computed once, so a query
/// costs O(n·p).
public struct WeightedDistanceRanking: Sendable {
    /// A ranked candidate with its two distances.
    public struct Result: Sendable, Equatable {
        public var row: Int
        public var item: Double
        public var relational: Double
        public var weighted: Double
    }

    public let model: DiversityMetricModel
    public let features: DiversityFeatures
    private let projected: [Float]
    private let rowSlot: [Int]   // feature row → slot in `projected` (−1 when unavailable)

    public init(model: DiversityMetricModel, features: DiversityFeatures) throws {
        let proj = try model.projectedVectors(for: features)
        var slot = [Int](repeating: -1, count: features.count)
        for (k, r) in proj.rows.enumerated() { slot[r] = k }
        self.model = model
        self.features = features
        self.projected = proj.values
        self.rowSlot = slot
    }

    /// `(d_i, d_ic)` between two available rows, from the projected vectors.
    public func distances(_ a: Int, _ b: Int) throws -> (item: Double, relational: Double) {
        guard a >= 0, a < rowSlot.count, b >= 0, b < rowSlot.count, rowSlot[a] >= 0, rowSlot[b] >= 0 else {
            throw DiversityError(.invalidInput, "rows \(a), \(b) are not both available items")
        }
        return slotDistances(rowSlot[a], rowSlot[b])
    }

    private func slotDistances(_ sa: Int, _ sb: Int) -> (item: Double, relational: Double) {
        let p = model.projectionDimension
        var di = 0.0, dr = 0.0
        for j in 0..<p {
            let x = Double(projected[sa * 2 * p + j]) - Double(projected[sb * 2 * p + j])
            di += x * x
            let y = Double(projected[sa * 2 * p + p + j]) - Double(projected[sb * 2 * p + p + j])
            dr += y * y
        }
        return (di, dr)
    }

    /// The `k` best candidates for the item in `row`, excluding `row` itself and `excluding`.
    public func rank(_ row: Int, weights: DiversityWeights = DiversityWeights(), k: Int,
                     excluding: Set<Int> = []) throws -> [Result] {
        try weights.validate()
        guard row >= 0, row < rowSlot.count, rowSlot[row] >= 0 else {
            throw DiversityError(.invalidInput, "row \(row) is not an available item")
        }
        guard k >= 0 else { throw DiversityError(.invalidInput, "k must be ≥ 0") }
        let sa = rowSlot[row]
        var all: [Result] = []
        all.reserveCapacity(features.count)
        for (b, sb) in rowSlot.enumerated() where sb >= 0 && b != row && !excluding.contains(b) {
            let (di, dr) = slotDistances(sa, sb)
            all.append(Result(row: b, item: di, relational: dr, weighted: weights.combine(item: di, relational: dr)))
        }
        all.sort { $0.weighted != $1.weighted ? $0.weighted < $1.weighted : $0.row < $1.row }
        return Array(all.prefix(k))
    }
}

/// Exact maximum-inner-product search over a table (ties by ascending row): the serving path
/// without Faiss, for tests and offline evaluation.
public enum BruteForceInnerProduct {
    /// Rows of `table` by descending `query·row`, at most `k`, skipping `excluding`.
    public static func search(_ query: [Float], in values: [Float], dimension: Int, k: Int,
                              excluding: Set<Int> = []) throws -> [(row: Int, score: Double)] {
        guard dimension > 0, query.count == dimension, values.count % dimension == 0 else {
            throw DiversityError(.invalidInput, "query of dimension \(query.count) against rows of \(dimension)")
        }
        var scored: [(row: Int, score: Double)] = []
        for r in 0..<(values.count / dimension) where !excluding.contains(r) {
            var s = 0.0
            for j in 0..<dimension { s += Double(query[j]) * Double(values[r * dimension + j]) }
            scored.append((r, s))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.row < $1.row }
        return Array(scored.prefix(max(k, 0)))
    }
}
