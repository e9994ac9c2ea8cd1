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

    /// The exact index and its results, kept so measuring that same index costs no second search.
    private let exactIndex: VectorIndex
    private let exactResult: SearchResult

    /// - Parameter exact: an exact (`Flat`) index over the table, when the caller has one;
    ///   otherwise one is built here.
    init(table: EmbeddingTable, keyMap: ViewKeyMap, queries n: Int, k requestedK: Int, seed: UInt64,
         exact: VectorIndex? = nil) throws(SnapshotError) {
        self.table = table
        self.keyMap = keyMap
        let rows = SampleRows.pick(min(n, table.count), of: table.count, seed: seed ^ 0x5eed)
        queries = ViewIndexBuilder.gather(table, rows: rows)
        queryCount = rows.count
        let k = min(requestedK, table.count), count = rows.count
        self.k = k
        // One OpenMP thread for the recall searches: Faiss' blocked Flat search opens a parallel
        // region per database block, and on a busy 2-core machine 2 threads were 5–8× slower
        // than 1 (22 s vs 2.8 s for 1,000 queries over 1M × 64; see Benchmarks/export).
        let threads = VectorIndex.openMPThreads
        VectorIndex.setOpenMPThreads(1)
        defer { VectorIndex.setOpenMPThreads(threads) }
        do {
            let index: VectorIndex
            if let exact { index = exact } else {
                index = try VectorIndex(factory: "Flat", dimension: table.dimension)
                try index.add(table.values, ids: keyMap.keys)
            }
            let result = try index.search(self.queries, k: k)
            exactIndex = index
            exactResult = result
            thresholds = (0..<count).map { q in result.scores[q * result.k + k - 1] }
        } catch {
            throw SnapshotError(.index, "view \(table.name): exact search for recall failed: \(error.message)")
        }
    }

    /// Recall@k of `index` searched with `parameters`.
    func measure(_ index: VectorIndex, parameters: SearchParameters) throws(SnapshotError) -> RecallMeasurement {
        let threads = VectorIndex.openMPThreads
        VectorIndex.setOpenMPThreads(1)
        defer { VectorIndex.setOpenMPThreads(threads) }
        let result: SearchResult
        do { result = index === exactIndex ? exactResult : try index.search(queries, k: k, parameters: parameters) } catch {
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
