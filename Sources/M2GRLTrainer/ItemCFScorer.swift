import Foundation
import M2GRLData

/// Item-based collaborative filtering on session co-occurrence: `cos(i, j) = c_ij / √(n_i·n_j)` with
/// `c_ij` the number of train sessions (item-view sequences) holding both items and `n_i` those holding `i`.
/// A query scores every item by the sum of its similarities to the triggers.
public struct ItemCFScorer: ItemScorer {
    public let candidateIDs: [String]
    /// Sparse similarity rows: neighbours and similarities per item dense id.
    let neighbours: [[Int32]]
    let similarities: [[Float]]

    public init(dataset: PreparedDataset) {
        let view = dataset.itemView
        let n = view.nodeCount
        candidateIDs = view.vocabulary
        var sessionsOf = [Int](repeating: 0, count: n)
        var co = Array(repeating: [Int32: Int32](), count: n)
        let seqs = view.sequences
        for s in 0..<seqs.count {
            let distinct = Array(Set(seqs[s].filter { $0 > 0 && Int($0) < n })).sorted()
            for a in distinct { sessionsOf[Int(a)] += 1 }
            for x in 0..<distinct.count {
                for y in (x + 1)..<max(distinct.count, x + 1) {
                    co[Int(distinct[x])][distinct[y], default: 0] += 1
                    co[Int(distinct[y])][distinct[x], default: 0] += 1
                }
            }
        }
        var neighbours: [[Int32]] = [], similarities: [[Float]] = []
        for i in 0..<n {
            let keys = co[i].keys.sorted()
            neighbours.append(keys)
            similarities.append(keys.map { j in
                Float(Double(co[i][j]!) / (Double(sessionsOf[i]) * Double(sessionsOf[Int(j)])).squareRoot())
            })
        }
        self.neighbours = neighbours
        self.similarities = similarities
    }

    public func score(triggers: [Int], into scores: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<scores.count { scores[i] = 0 }
        for t in triggers where t < neighbours.count {
            for (j, s) in zip(neighbours[t], similarities[t]) { scores[Int(j)] += s }
        }
        scores[0] = -.infinity
    }
}
