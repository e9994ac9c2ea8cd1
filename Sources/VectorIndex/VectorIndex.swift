import CFaissShim
import Foundation

/// An inner-product vector index over Faiss, keyed by 64-bit external ids.
///
/// Built from a Faiss factory string ("Flat", "HNSW32", "IVF1024,Flat",
/// "IVF256,PQ16", …) and always wrapped in an id map, so vectors can be
/// searched, reconstructed and removed by their external id.
///
/// Thread safety: any number of threads may search, reconstruct and read
/// properties at once; mutations (`train`, `add`, `remove`, `setParameter`)
/// take the index exclusively. A readers–writer lock enforces this.
/// The Faiss resources are freed when the last reference goes away.
public final class VectorIndex: @unchecked Sendable {
    // @unchecked Sendable: `handle` is only touched under `lock` (shared for
    // const Faiss calls, which Faiss documents as thread-safe; exclusive for
    // mutations), and `dimension` is immutable.
    private let handle: OpaquePointer
    private let lock = ReadWriteLock()
    /// Vector dimension.
    public let dimension: Int

    /// The index family.
    public let kind: IndexKind

    private init(handle: OpaquePointer) {
        self.handle = handle
        self.dimension = Int(m2g_index_dimension(handle))
        self.kind = switch Int(m2g_index_kind(handle)) {
        case Int(M2G_KIND_FLAT): .flat
        case Int(M2G_KIND_HNSW): .hnsw
        case Int(M2G_KIND_IVF): .ivf
        default: .other
        }
    }

    deinit { m2g_index_free(handle) }

    /// Creates an empty inner-product index from a Faiss factory string.
    public convenience init(factory: String, dimension: Int) throws(VectorIndexError) {
        guard (1...IndexFileLayout.maxDimension).contains(dimension) else {
            throw VectorIndexError(.invalidArgument, "dimension must be in 1...\(IndexFileLayout.maxDimension), got \(dimension)")
        }
        guard !factory.isEmpty else { throw VectorIndexError(.invalidArgument, "empty factory string") }
        var out: OpaquePointer?
        try check(m2g_index_create(factory, Int32(dimension), &out), "cannot create index '\(factory)'")
        self.init(handle: out!)
    }

    /// Loads an index written by `save(to:)` (or by Faiss' `write_index` of an IDMap2 inner-product index).
    public static func load(from url: URL) throws(VectorIndexError) -> VectorIndex {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw VectorIndexError(.io, "no index file at \(url.path)")
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw VectorIndexError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        let loaded = data.withUnsafeBytes { raw in Result { () throws(VectorIndexError) in try load(bytes: raw) } }
        switch loaded {
        case .success(let index): return index
        case .failure(let error): throw VectorIndexError(error.code, "cannot load \(url.path): \(error.message)")
        }
    }

    /// Loads an index from the bytes of an index file.
    public static func load(bytes: UnsafeRawBufferPointer) throws(VectorIndexError) -> VectorIndex {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw VectorIndexError(.format, "empty index buffer") }
        try IndexFileLayout.check(bytes)
        var out: OpaquePointer?
        try check(m2g_index_read_buffer(base.assumingMemoryBound(to: UInt8.self), bytes.count, &out), "cannot load index")
        return VectorIndex(handle: out!)
    }

    /// Writes the index in Faiss' file format.
    public func save(to url: URL) throws(VectorIndexError) {
        try lock.withReadLock { () throws(VectorIndexError) in
            try check(m2g_index_write(handle, url.path), "cannot save to \(url.path)")
        }
    }

    /// Number of stored vectors.
    public var count: Int { lock.withReadLock { Int(m2g_index_ntotal(handle)) } }

    /// Whether the index can accept vectors (IVF and PQ indexes need `train` first).
    public var isTrained: Bool { lock.withReadLock { m2g_index_is_trained(handle) != 0 } }

    /// Trains the index on sample vectors (`n × dimension` floats).
    public func train(_ vectors: [Float]) throws(VectorIndexError) {
        let n = try rows(in: vectors, what: "training vectors")
        try lock.withWriteLock { () throws(VectorIndexError) in
            try check(m2g_index_train(handle, Int64(n), vectors), "training failed")
        }
    }

    /// Adds vectors with their external ids. Refuses ids already present or repeated.
    public func add(_ vectors: [Float], ids: [Int64]) throws(VectorIndexError) {
        let n = try rows(in: vectors, what: "vectors")
        guard n == ids.count else {
            throw VectorIndexError(.invalidArgument, "\(n) vectors but \(ids.count) ids")
        }
        try lock.withWriteLock { () throws(VectorIndexError) in
            try check(m2g_index_add_with_ids(handle, Int64(n), vectors, ids), "add failed")
        }
    }

    /// Searches a batch of queries (`n × dimension` floats) for the `k` largest inner products each.
    public func search(_ queries: [Float], k: Int, parameters: SearchParameters = SearchParameters()) throws(VectorIndexError) -> SearchResult {
        let n = try rows(in: queries, what: "queries")
        let kk = try effectiveK(k)
        var ids = [Int64](repeating: -1, count: n * kk)
        var scores = [Float](repeating: -.infinity, count: n * kk)
        try queries.withUnsafeBufferPointer { (q) throws(VectorIndexError) in
            try scores.withUnsafeMutableBufferPointer { (s) throws(VectorIndexError) in
                try ids.withUnsafeMutableBufferPointer { (i) throws(VectorIndexError) in
                    try search(queries: q, k: kk, parameters: parameters, scores: s, ids: i)
                }
            }
        }
        return SearchResult(queryCount: n, k: kk, ids: ids, scores: scores)
    }

    /// Allocation-free search into caller-owned buffers of `queries.count / dimension × k` slots.
    /// `k` is used as given (callers cap it with `effectiveK`).
    public func search(queries: UnsafeBufferPointer<Float>, k: Int, parameters: SearchParameters,
                       scores: UnsafeMutableBufferPointer<Float>, ids: UnsafeMutableBufferPointer<Int64>) throws(VectorIndexError) {
        guard k > 0 else { throw VectorIndexError(.invalidArgument, "k must be positive, got \(k)") }
        guard queries.count % dimension == 0 else {
            throw VectorIndexError(.dimensionMismatch, "queries hold \(queries.count) floats, not a multiple of dimension \(dimension)")
        }
        let n = queries.count / dimension
        guard scores.count >= n * k, ids.count >= n * k else {
            throw VectorIndexError(.invalidArgument, "result buffers hold fewer than \(n)×\(k) slots")
        }
        for v in queries where !v.isFinite { throw VectorIndexError(.nonFiniteValue, "query contains NaN or infinity") }
        var p = m2g_search_params(ef_search: 0, nprobe: Int32(clamping: parameters.nprobe ?? 0))
        if kind == .hnsw, let ef = parameters.efSearch, ef > 0 {
            // Debian's Faiss 1.7.3 ignores per-call HNSW parameters (honoured from 1.7.4 on), so
            // a different efSearch is applied to the index itself, exclusively, and restored.
            var current: Int32 = 0
            _ = lock.withReadLock { m2g_index_get_param(handle, "efSearch", &current) }
            if Int(current) != ef {
                try lock.withWriteLock { () throws(VectorIndexError) in
                    try check(m2g_index_set_param(handle, "efSearch", Int32(clamping: ef)), "cannot set efSearch")
                    defer { _ = m2g_index_set_param(handle, "efSearch", current) }
                    try check(m2g_index_search(handle, Int64(n), queries.baseAddress, Int64(k), &p, scores.baseAddress, ids.baseAddress), "search failed")
                }
                return
            }
        }
        try lock.withReadLock { () throws(VectorIndexError) in
            try check(m2g_index_search(handle, Int64(n), queries.baseAddress, Int64(k), &p, scores.baseAddress, ids.baseAddress), "search failed")
        }
    }

    /// `k` validated and capped at the number of stored vectors (at least 1), so a huge k allocates nothing huge.
    public func effectiveK(_ k: Int) throws(VectorIndexError) -> Int {
        guard k > 0 else { throw VectorIndexError(.invalidArgument, "k must be positive, got \(k)") }
        return min(k, max(count, 1))
    }

    /// The stored vector of `id`.
    public func reconstruct(id: Int64) throws(VectorIndexError) -> [Float] {
        var out = [Float](repeating: 0, count: dimension)
        try lock.withReadLock { () throws(VectorIndexError) in
            try check(m2g_index_reconstruct(handle, id, &out), "cannot reconstruct id \(id)")
        }
        return out
    }

    /// Whether `id` is stored.
    public func contains(id: Int64) -> Bool { lock.withReadLock { m2g_index_contains(handle, id) != 0 } }

    /// All stored ids in storage order.
    public func allIDs() -> [Int64] {
        lock.withReadLock {
            var out = [Int64](repeating: 0, count: Int(m2g_index_ntotal(handle)))
            _ = m2g_index_ids(handle, &out)
            return out
        }
    }

    /// Removes ids; returns how many were present. HNSW indexes refuse removal.
    @discardableResult
    public func remove(ids: [Int64]) throws(VectorIndexError) -> Int {
        var removed: Int64 = 0
        try lock.withWriteLock { () throws(VectorIndexError) in
            try check(m2g_index_remove_ids(handle, Int64(ids.count), ids, &removed), "remove failed")
        }
        return Int(removed)
    }

    /// Sets a build or default search parameter: "efConstruction", "efSearch" (HNSW), "nprobe" (IVF).
    public func setParameter(_ name: String, _ value: Int) throws(VectorIndexError) {
        try lock.withWriteLock { () throws(VectorIndexError) in
            try check(m2g_index_set_param(handle, name, Int32(clamping: value)), "cannot set \(name)")
        }
    }

    /// Reads a parameter ("efConstruction", "efSearch", "nprobe", "nlist"); nil when the index has none.
    public func parameter(_ name: String) -> Int? {
        lock.withReadLock {
            var v: Int32 = 0
            return m2g_index_get_param(handle, name, &v) == Int32(M2G_OK) ? Int(v) : nil
        }
    }

    /// Sets the OpenMP thread count Faiss uses for calls made from the *calling* thread.
    public static func setOpenMPThreads(_ n: Int) { m2g_set_omp_threads(Int32(clamping: max(1, n))) }

    /// The OpenMP thread count for calls from the calling thread.
    public static var openMPThreads: Int { Int(m2g_get_omp_threads()) }

    /// The number of queries from which a flat search goes through BLAS (one matrix product for the
    /// whole batch) instead of one scan per query. Process-wide; Faiss' default is 20. Debian's
    /// Faiss 1.7.3 scans with its scalar reference kernel, so BLAS (OpenBLAS' AVX-512/AVX2
    /// kernels) is faster even for one query: 1 makes an IVF1024 coarse search ≈ 3× faster.
    public static var blasThreshold: Int {
        get { Int(m2g_get_blas_threshold()) }
        set { m2g_set_blas_threshold(Int32(clamping: max(1, newValue))) }
    }

    /// Threads in OpenBLAS' own pool (process-wide), used by large BLAS searches. Servers that
    /// already run one search per core want 1: more oversubscribes the cores.
    public static var blasThreads: Int {
        get { Int(m2g_get_blas_threads()) }
        set { m2g_set_blas_threads(Int32(clamping: max(1, newValue))) }
    }

    private func rows(in vectors: [Float], what: String) throws(VectorIndexError) -> Int {
        guard vectors.count % dimension == 0 else {
            throw VectorIndexError(.dimensionMismatch, "\(what) hold \(vectors.count) floats, not a multiple of dimension \(dimension)")
        }
        for v in vectors where !v.isFinite { throw VectorIndexError(.nonFiniteValue, "\(what) contain NaN or infinity") }
        return vectors.count / dimension
    }
}
