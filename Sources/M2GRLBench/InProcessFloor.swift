import Snapshot
import VectorIndex

/// The floor under the server: the same queries searched one at a time in this process through
/// the same Faiss index of the same snapshot (one OpenMP thread, caller-owned result buffers).
public enum InProcessFloor {
    /// Times `rounds` passes over the queries; returns the latency histogram (ns) and the
    /// external ids found for each query (first pass). `blasThreshold` and `blasThreads` are the
    /// process-wide BLAS settings to search with (the server's defaults are 1 and 1).
    public static func measure(view: ServedView, dataset: BenchDataset, k: Int, rounds: Int = 1,
                               blasThreshold: Int = 1, blasThreads: Int = 1) throws(BenchError) -> (latency: LogLinearHistogram, found: [[String]]) {
        guard dataset.dimension == view.dimension else {
            throw BenchError(.invalidArgument, "queries have dimension \(dataset.dimension), view '\(view.name)' has \(view.dimension)")
        }
        VectorIndex.setOpenMPThreads(1)
        VectorIndex.blasThreshold = blasThreshold
        VectorIndex.blasThreads = blasThreads
        var histogram = LogLinearHistogram()
        var found: [[String]] = []
        var scores = [Float](repeating: 0, count: k)
        var ids = [Int64](repeating: -1, count: k)
        let d = dataset.dimension
        do {
            for round in 0..<max(1, rounds) {
                for q in 0..<dataset.count {
                    try dataset.queries.withUnsafeBufferPointer { (all) throws(VectorIndexError) in
                        let query = UnsafeBufferPointer(rebasing: all[(q * d)..<((q + 1) * d)])
                        try scores.withUnsafeMutableBufferPointer { (s) throws(VectorIndexError) in
                            try ids.withUnsafeMutableBufferPointer { (i) throws(VectorIndexError) in
                                let start = monotonicNanos()
                                try view.index.search(queries: query, k: k, parameters: view.searchParameters, scores: s, ids: i)
                                histogram.record(monotonicNanos() &- start)
                            }
                        }
                    }
                    if round == 0 { found.append(ids.filter { $0 >= 0 }.map { view.keyMap.externalID(forKey: $0) ?? String($0) }) }
                }
            }
        } catch {
            throw BenchError(.server, "in-process search failed: \(error)")
        }
        return (histogram, found)
    }
}
