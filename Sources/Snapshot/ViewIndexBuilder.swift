import Foundation
import M2GRLCore
import VectorIndex

/// A view's index, built and measured, ready to be written.
struct BuiltView {
    var index: VectorIndex
    var keyMap: ViewKeyMap
    var factory: String
    var parameters: SnapshotManifest.StoredSearchParameters
    var recall: RecallMeasurement
    var buildSeconds: Double
}

/// Builds one view's Faiss index from its table and gates it on recall.
enum ViewIndexBuilder {
    /// Builds the index of `table` as `plan` says, measures recall@k against exact search,
    /// tunes efSearch / nprobe up to the configured maxima while below the floor, and
    /// throws `.recallBelowFloor` if the floor is still not met.
    static func build(_ table: EmbeddingTable, plan: IndexPlan, configuration c: ExportConfiguration,
                      progress: @Sendable (String) -> Void) throws(SnapshotError) -> BuiltView {
        let keyStart = Date()
        let keyMap = try validatedKeyMap(table)
        progress("export \(table.name): ids checked in \(fmt(Date().timeIntervalSince(keyStart))) s")
        let start = Date()
        let index: VectorIndex
        do {
            index = try VectorIndex(factory: plan.factory, dimension: table.dimension)
        } catch {
            throw SnapshotError(.invalidConfiguration, "view \(table.name): cannot create index '\(plan.factory)': \(error.message)")
        }
        var parameters = SnapshotManifest.StoredSearchParameters()
        let defaultThreads = VectorIndex.openMPThreads
        if c.threads > 0 { VectorIndex.setOpenMPThreads(c.threads) }
        defer { VectorIndex.setOpenMPThreads(defaultThreads) }
        do {
            switch index.kind {
            case .hnsw:
                try index.setParameter("efConstruction", plan.efConstruction)
                try index.setParameter("efSearch", plan.efSearch)
                parameters.efConstruction = plan.efConstruction
                parameters.efSearch = plan.efSearch
            case .ivf:
                parameters.nlist = index.parameter("nlist")
                parameters.nprobe = min(plan.nprobe, parameters.nlist ?? plan.nprobe)
                try index.setParameter("nprobe", parameters.nprobe!)
            case .flat, .other:
                break
            }
            if !index.isTrained {
                let lists = parameters.nlist ?? 256
                let rows = SampleRows.pick(min(table.count, lists * c.trainingPointsPerList), of: table.count, seed: c.seed)
                progress("export \(table.name): training \(plan.factory) on \(rows.count) vectors")
                try index.train(gather(table, rows: rows))
            }
            try addInBatches(table, keys: keyMap.keys, to: index, batch: c.addBatchSize, progress: progress)
        } catch let e as VectorIndexError {
            let code: SnapshotError.Code = e.code == .nonFiniteValue || e.code == .duplicateID ? .invalidBundle : .index
            throw SnapshotError(code, "view \(table.name): \(e.message)")
        } catch {
            throw SnapshotError(.index, "view \(table.name): \(error)")
        }
        let buildSeconds = Date().timeIntervalSince(start)

        let recallStart = Date()
        // A Flat index is exact: it serves as its own reference (no second copy or search);
        // the tie-aware check below still verifies every returned score against the table.
        let meter = try RecallMeter(table: table, keyMap: keyMap, queries: c.recallQueries, k: c.recallK, seed: c.seed,
                                    exact: index.kind == .flat ? index : nil)
        var recall = try meter.measure(index, parameters: parameters.searchParameters)
        while recall.recall < plan.recallFloor, c.tuneSearchParameters {
            if index.kind == .hnsw, let ef = parameters.efSearch, ef < c.maxEfSearch {
                parameters.efSearch = min(ef * 2, c.maxEfSearch)
            } else if index.kind == .ivf, let np = parameters.nprobe, np < min(c.maxNprobe, parameters.nlist ?? .max) {
                parameters.nprobe = min(np * 2, c.maxNprobe, parameters.nlist ?? .max)
            } else {
                break
            }
            progress("export \(table.name): recall@\(recall.k) \(fmt(recall.recall)) < \(fmt(plan.recallFloor)), trying efSearch=\(parameters.efSearch.map(String.init) ?? "-") nprobe=\(parameters.nprobe.map(String.init) ?? "-")")
            try setDefaults(parameters, of: index, view: table.name)
            recall = try meter.measure(index, parameters: parameters.searchParameters)
        }
        guard recall.recall >= plan.recallFloor else {
            throw SnapshotError(.recallBelowFloor, "view \(table.name): recall@\(recall.k) of \(plan.factory) is \(fmt(recall.recall)) on \(recall.queries) queries, below the floor \(fmt(plan.recallFloor))")
        }
        progress("export \(table.name): \(table.count) × \(table.dimension) \(plan.factory) built in \(fmt(buildSeconds)) s, recall@\(recall.k) \(fmt(recall.recall)) measured in \(fmt(Date().timeIntervalSince(recallStart))) s")
        return BuiltView(index: index, keyMap: keyMap, factory: plan.factory, parameters: parameters, recall: recall, buildSeconds: buildSeconds)
    }

    /// Makes `parameters` the index's own defaults (saved with it). Debian's Faiss 1.7.3 ignores a
    /// per-call efSearch for HNSW (measured: recall follows the index's own efSearch only), so the
    /// tuned value must live in the index itself; a reader that ignores the manifest's parameters
    /// then still searches as measured.
    private static func setDefaults(_ parameters: SnapshotManifest.StoredSearchParameters, of index: VectorIndex,
                                    view: String) throws(SnapshotError) {
        do {
            if let ef = parameters.efSearch { try index.setParameter("efSearch", ef) }
            if let np = parameters.nprobe { try index.setParameter("nprobe", np) }
        } catch {
            throw SnapshotError(.index, "view \(view): cannot set search parameters: \(error.message)")
        }
    }

    /// The key map of a table whose ids are non-empty, single-line and unique.
    static func validatedKeyMap(_ table: EmbeddingTable) throws(SnapshotError) -> ViewKeyMap {
        guard table.count > 0, table.dimension > 0 else {
            throw SnapshotError(.invalidBundle, "view \(table.name) is empty (\(table.count) × \(table.dimension))")
        }
        for id in table.ids where id.isEmpty || id.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw SnapshotError(.invalidBundle, "view \(table.name): id '\(id)' is empty or spans lines")
        }
        let map = ViewKeyMap(externalIDs: table.ids)
        var seen = Set<String>(minimumCapacity: table.count)
        for id in table.ids where !seen.insert(id).inserted {
            throw SnapshotError(.invalidBundle, "view \(table.name): id '\(id)' appears twice")
        }
        return map
    }

    private static func addInBatches(_ table: EmbeddingTable, keys: [Int64], to index: VectorIndex, batch: Int,
                                     progress: (String) -> Void) throws {
        let start = Date()
        var done = 0
        while done < table.count {
            let end = min(done + batch, table.count)
            if done == 0, end == table.count {
                try index.add(table.values, ids: keys)
            } else {
                try index.add(Array(table.values[(done * table.dimension)..<(end * table.dimension)]), ids: Array(keys[done..<end]))
            }
            done = end
            if table.count > batch {
                let elapsed = Date().timeIntervalSince(start)
                let rate = Double(done) / max(elapsed, 1e-9)
                progress("export \(table.name): added \(done)/\(table.count) (\(Int(rate))/s, ETA \(Int(Double(table.count - done) / rate)) s)")
            }
        }
    }

    static func gather(_ table: EmbeddingTable, rows: [Int]) -> [Float] {
        var out = [Float]()
        out.reserveCapacity(rows.count * table.dimension)
        for r in rows { out.append(contentsOf: table.row(r)) }
        return out
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
}

/// Deterministic sampling of distinct rows.
enum SampleRows {
    /// `n` distinct rows of `0..<count` (all rows, in order, when n ≥ count).
    static func pick(_ n: Int, of count: Int, seed: UInt64) -> [Int] {
        guard n < count else { return Array(0..<count) }
        var rng = SplitMix64(seed: seed)
        var rows = Array(0..<count)
        for i in 0..<n {
            let j = i + Int(rng.next() % UInt64(count - i))
            rows.swapAt(i, j)
        }
        return Array(rows[0..<n])
    }
}
