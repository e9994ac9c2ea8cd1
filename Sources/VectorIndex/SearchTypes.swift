/// Per-call search parameters. `nil` keeps the index's own setting.
public struct SearchParameters: Sendable, Equatable, Hashable {
    /// HNSW: size of the dynamic candidate list (larger = better recall, slower).
    /// Debian's Faiss 1.7.3 has no per-call HNSW parameters, so a value different from the
    /// index's own `efSearch` makes that search exclusive (it is set on the index and restored);
    /// set the index's default with `setParameter("efSearch", …)` for concurrent searches.
    public var efSearch: Int?
    /// IVF: number of inverted lists visited (larger = better recall, slower).
    public var nprobe: Int?

    public init(efSearch: Int? = nil, nprobe: Int? = nil) {
        self.efSearch = efSearch
        self.nprobe = nprobe
    }
}

/// The results of a batched search: `queryCount × k` ids and scores, row-major.
///
/// Rows are sorted by descending inner product. When the index holds fewer than
/// `k` vectors (or an approximate index finds fewer), missing slots have id `-1`.
public struct SearchResult: Sendable, Equatable {
    public var queryCount: Int
    /// The effective k: the requested k, capped at the number of stored vectors.
    public var k: Int
    public var ids: [Int64]
    public var scores: [Float]

    public init(queryCount: Int, k: Int, ids: [Int64], scores: [Float]) {
        self.queryCount = queryCount
        self.k = k
        self.ids = ids
        self.scores = scores
    }

    /// The valid `(id, score)` pairs of query `q`, best first.
    public func neighbors(ofQuery q: Int) -> [(id: Int64, score: Float)] {
        var out: [(id: Int64, score: Float)] = []
        out.reserveCapacity(k)
        for j in (q * k)..<((q + 1) * k) where ids[j] >= 0 { out.append((ids[j], scores[j])) }
        return out
    }
}

/// The family of the index under the id map.
public enum IndexKind: String, Sendable, Codable {
    case flat, hnsw, ivf, other
}
