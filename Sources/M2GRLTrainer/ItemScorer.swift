import M2GRLCore

/// Scores every candidate of a fixed candidate space for a query given by trigger candidates.
///
/// Implementations: inner product over an embedding table (`EmbeddingScorer`), popularity, item-CF.
public protocol ItemScorer: Sendable {
    /// External item id of every candidate, in candidate-index order.
    var candidateIDs: [String] { get }
    /// Writes one score per candidate into `scores` (`candidateIDs.count` floats);
    /// `-infinity` = not a candidate. `triggers` are candidate indices (1 or more).
    func score(triggers: [Int], into scores: UnsafeMutableBufferPointer<Float>)
}

/// Raw inner product with the trigger vector (the mean of the triggers' rows) over all rows of a table.
public struct EmbeddingScorer: ItemScorer {
    public let table: EmbeddingTable
    public var candidateIDs: [String] { table.ids }

    public init(table: EmbeddingTable) { self.table = table }

    public func score(triggers: [Int], into scores: UnsafeMutableBufferPointer<Float>) {
        let d = table.dimension
        var query = [Float](repeating: 0, count: d)
        table.values.withUnsafeBufferPointer { v in
            let base = v.baseAddress!
            query.withUnsafeMutableBufferPointer { q in
                for t in triggers { VectorMath.axpy(1 / Float(triggers.count), base + t * d, q.baseAddress!, d) }
                for i in 0..<table.count { scores[i] = VectorMath.dot(base + i * d, q.baseAddress!, d) }
            }
        }
    }
}
