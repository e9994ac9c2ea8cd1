/// A dense table of float32 vectors, one row per external id.
///
/// Rows are stored row-major in `values` (`count × dimension`).
public struct EmbeddingTable: Sendable, Equatable {
    /// Table name, unique in a model: "item", "category", "rel.category.item", ...
    public var name: String
    /// What the table represents.
    public var kind: Kind
    /// Vector dimension.
    public var dimension: Int
    /// External ids, one per row.
    public var ids: [String]
    /// `ids.count × dimension` floats, row-major.
    public var values: [Float]

    /// The role of a table in a model.
    public enum Kind: String, Sendable, Codable {
        /// A view's input table (the embedding used for retrieval).
        case view
        /// Relational embeddings σ(W·e) of an inter-view task.
        case relational
        /// Projected vectors of the diversity metric model.
        case metric
        /// Model parameters kept with the model (an alignment matrix W), not a searchable set:
        /// snapshots carry them as attachments instead of indexing them.
        case parameter
    }

    public init(name: String, kind: Kind = .view, dimension: Int, ids: [String], values: [Float]) {
        precondition(values.count == ids.count * dimension, "values must hold ids.count × dimension floats")
        self.name = name
        self.kind = kind
        self.dimension = dimension
        self.ids = ids
        self.values = values
    }

    /// Number of rows.
    public var count: Int { ids.count }

    /// Row `i` as a slice of `values`.
    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * dimension)..<((i + 1) * dimension)] }
}
