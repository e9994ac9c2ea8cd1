import Foundation

/// Draws node ids from a fixed discrete distribution in O(1) (Walker/Vose alias method).
///
/// Used for the negatives of every task: unigram^power over train counts (power 0.75 by default),
/// or uniform over the nodes. Id 0 (reserved) and nodes with zero weight are never drawn.
public struct NoiseSampler: Sendable {
    /// Ids that can be drawn, parallel to `probability` and `alias`.
    private let ids: [Int32]
    private let probability: [Float]
    private let alias: [Int32]

    /// Builds the sampler for `counts` (index = dense id; `counts[0]` is ignored).
    /// - Parameters:
    ///   - power: exponent applied to counts (0.75 = word2vec); ignored when `uniform`.
    ///   - uniform: draw every node with a positive count, or every node id ≥ 1 when none has one, equally.
    public init(counts: [Int64], power: Double, uniform: Bool) {
        var ids: [Int32] = []
        var weights: [Double] = []
        for i in 1..<max(counts.count, 1) where counts[i] > 0 {
            ids.append(Int32(i))
            weights.append(uniform ? 1 : Foundation.pow(Double(counts[i]), power))
        }
        if ids.isEmpty, counts.count > 1 {  // no counts at all: fall back to uniform over real ids
            ids = (1..<counts.count).map { Int32($0) }
            weights = Array(repeating: 1, count: ids.count)
        }
        let n = ids.count
        let total = weights.reduce(0, +)
        var prob = [Float](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        var scaled = weights.map { $0 * Double(n) / max(total, .leastNonzeroMagnitude) }
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.last else { prob[s] = 1; alias[s] = Int32(s); continue }
            prob[s] = Float(scaled[s])
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        for l in large { prob[l] = 1; alias[l] = Int32(l) }
        self.ids = ids
        self.probability = prob
        self.alias = alias
    }

    /// Whether no id can be drawn (the view has only the reserved node).
    public var isEmpty: Bool { ids.isEmpty }

    /// One draw.
    @inline(__always)
    public func sample(_ rng: inout Xoshiro256) -> Int32 {
        let i = rng.below(ids.count)
        let u = rng.unitFloat()
        return u < probability[i] ? ids[i] : ids[Int(alias[i])]
    }
}
