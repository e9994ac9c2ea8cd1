import Foundation

/// Everything a training run produces, as the exporter consumes it.
///
/// On disk a bundle is a directory:
/// - `model.json`: `ModelBundle.Manifest` (format version, tables, configuration, metrics);
/// - `tables/NAME.f32`: one `.f32` file per table (see `EmbeddingFileFormat`);
/// - `items.tsv`: item metadata, header `id<TAB>name<TAB>attr1…`, one item a line.
public struct ModelBundle: Sendable {
    /// Bundle format version written and accepted.
    public static let formatVersion = 1

    /// Tables in a stable order (views first, then relational, then metric).
    public var tables: [EmbeddingTable]
    /// Item metadata (external id, display name, attributes).
    public var items: [ItemMetadata]
    /// Training configuration as flat key/value strings.
    public var configuration: [String: String]
    /// Evaluation metrics (e.g. "valid.recall@50").
    public var metrics: [String: Double]
    /// The data window the model was trained on (free form: files, first/last timestamp).
    public var dataWindow: [String: String]
    /// Opaque extra files carried along (e.g. "diversity.json"), name → bytes.
    public var attachments: [String: Data]

    public init(tables: [EmbeddingTable], items: [ItemMetadata], configuration: [String: String] = [:],
                metrics: [String: Double] = [:], dataWindow: [String: String] = [:], attachments: [String: Data] = [:]) {
        self.tables = tables
        self.items = items
        self.configuration = configuration
        self.metrics = metrics
        self.dataWindow = dataWindow
        self.attachments = attachments
    }

    /// The table with the given name.
    public func table(named name: String) -> EmbeddingTable? { tables.first { $0.name == name } }

    /// `model.json`.
    public struct Manifest: Codable, Sendable {
        public var formatVersion: Int
        public var tables: [TableEntry]
        public var configuration: [String: String]
        public var metrics: [String: Double]
        public var dataWindow: [String: String]
        public var attachments: [String]
    }

    /// One table's entry in `model.json`.
    public struct TableEntry: Codable, Sendable {
        public var name: String
        public var kind: EmbeddingTable.Kind
        public var file: String
        public var count: Int
        public var dimension: Int
    }
}

/// Display metadata of one item, as exported.
public struct ItemMetadata: Sendable, Equatable, Codable {
    public var id: String
    public var displayName: String
    public var attributes: [String: String]
    public init(id: String, displayName: String, attributes: [String: String] = [:]) {
        self.id = id
        self.displayName = displayName
        self.attributes = attributes
    }
}
