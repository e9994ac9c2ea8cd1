import M2GRLCore
import VectorIndex

/// The result of a recall measurement.
public struct RecallMeasurement: Sendable, Equatable {
    /// Mean fraction of the exact top-k found (ties at the k-th score count as found).
    public var recall: Double
    public var k: Int
    public var queries: Int
}

/// Measures recall@k of an index against exact inner-product search over the same table.
///
/// Queries are stored vectors sampled without replacement (the item-to-item use). The
/// exact top-k comes from a `Flat` index (BLAS-backed batch search). A returned id counts
/// as a hit when its true inner product reaches the exact k-th score (within float
/// rounding), so equal scores at the boundary do not count as misses.
struct RecallMeter {
    private let table: EmbeddingTable
    private let keyMap: ViewKeyMap
    private let queries: [Float]
    private let queryCount: Int
    private let k: Int
    /// Per query, the exact k-th best score.
    private let thresholds: [Float]

    init(table: EmbeddingTable, keyMap: ViewKeyMap, queries n: Int, k requestedK: Int, seed: UInt64) throws(SnapshotError) {
        self.table = table
        self.keyMap = keyMap
        let rows = SampleRows.pick(min(n, table.count), of: table.count, seed: seed ^ 0x5eed)
        queries = ViewIndexBuilder.gather(table, rows: rows)
        queryCount = rows.count
        let k = min(requestedK, table.count), count = rows.count
        self.k = k
        do {
            let exact = try VectorIndex(factory: "Flat", dimension: table.dimension)
            try exact.add(table.values, ids: keyMap.keys)
            let result = try exact.search(self.queries, k: k)
            thresholds = (0..<count).map { q in result.scores[q * result.k + k - 1] }
        } catch {
            throw SnapshotError(.index, "view \(table.name): exact search for recall failed: \(error.message)")
        }
    }

    /// Recall@k of `index` searched with `parameters`.
    func measure(_ index: VectorIndex, parameters: SearchParameters) throws(SnapshotError) -> RecallMeasurement {
        let result: SearchResult
        do { result = try index.search(queries, k: k, parameters: parameters) } catch {
            throw SnapshotError(.index, "view \(table.name): search for recall failed: \(error.message)")
        }
        var hits = 0
        let d = table.dimension
        table.values.withUnsafeBufferPointer { values in
            queries.withUnsafeBufferPointer { qs in
                for q in 0..<queryCount {
                    let threshold = thresholds[q]
                    let slack = 1e-4 * max(1, abs(threshold))
                    var seen = Set<Int64>()
                    for j in 0..<result.k {
                        let id = result.ids[q * result.k + j]
                        guard id >= 0, seen.insert(id).inserted, let row = keyMap.row(forKey: id) else { continue }
                        var dot: Float = 0
                        for t in 0..<d { dot += qs[q * d + t] * values[row * d + t] }
                        if dot >= threshold - slack { hits += 1 }
                    }
                }
            }
        }
        return RecallMeasurement(recall: Double(min(hits, queryCount * k)) / Double(queryCount * k), k: k, queries: queryCount)
    }
}
