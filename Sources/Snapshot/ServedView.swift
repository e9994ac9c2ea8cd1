import M2GRLCore
import VectorIndex

/// One searchable view of a loaded snapshot: a Faiss index plus its key map.
public final class ServedView: Sendable {
    /// View name ("item", "category", "rel.category.item", ...).
    public let name: String
    /// Whether this is a view's own table or a relational / metric one.
    public let kind: EmbeddingTable.Kind
    /// The index (thread-safe for concurrent searches).
    public let index: VectorIndex
    /// External id ↔ key mapping.
    public let keyMap: ViewKeyMap
    /// Search parameters recorded at export (HNSW efSearch, IVF nprobe).
    public let searchParameters: SearchParameters

    public init(name: String, kind: EmbeddingTable.Kind, index: VectorIndex, keyMap: ViewKeyMap,
                searchParameters: SearchParameters = SearchParameters()) {
        self.name = name
        self.kind = kind
        self.index = index
        self.keyMap = keyMap
        self.searchParameters = searchParameters
    }

    public var dimension: Int { index.dimension }
    public var count: Int { keyMap.count }
}
