/// The JSON manifest of a dataset directory: format version, shape, and per-file checksums.
///
/// Layout (version 2): every array is a headerless little-endian file, so it can be memory-mapped.
/// Files marked "optional" are left out when other files say the same (`DerivedDatasetFiles`);
/// version 1 always wrote them, and the reader reads both versions.
/// - `viewN.vocab.offsets` (Int64, nodes+1) + `viewN.vocab.bytes` (UTF-8): vocabulary strings
/// - `viewN.counts` (Int64), `viewN.tokens` (Int32), `viewN.offsets` (Int64, sequences+1)
/// - `viewN.edges`: records of (source Int32, target Int32, count Int64)
/// - `relationN.attribute` (Int32 per item dense id), optional `relationN.pairs` (Int32 item, Int32 attribute)
/// - `users.ids.*` (strings), `users.train.{tokens,offsets}`, `users.heldout.{tokens,offsets}`,
///   `users.heldoutcount` (Int64)
/// - optional `items.ids.*`, `items.names.*`, `items.attrN.*` (strings; "" = no value)
public struct DatasetManifest: Codable, Sendable, Equatable {
    /// The only format identifier this library writes.
    public static let formatName = "m2grl-dataset"
    /// The newest format version this library reads and the one it writes.
    public static let currentVersion = 2

    public struct ViewEntry: Codable, Sendable, Equatable {
        public var name: String
        /// Dense ids including the reserved 0.
        public var nodeCount: Int
        public var sequences: Int
        public var tokens: Int
        public var edges: Int
    }

    public struct RelationEntry: Codable, Sendable, Equatable {
        public var view: String
        public var items: Int
        public var pairs: Int
    }

    public struct FileEntry: Codable, Sendable, Equatable {
        /// Size in bytes.
        public var bytes: Int
        /// CRC-32 (zlib polynomial) of the whole file.
        public var crc32: UInt32
    }

    public var format: String
    public var version: Int
    public var views: [ViewEntry]
    public var relations: [RelationEntry]
    public var users: Int
    /// Item dense ids including the reserved 0.
    public var items: Int
    /// Item attribute keys stored as `items.attrN` (N = index here).
    public var itemAttributeKeys: [String]
    public var source: [String: String]
    /// Every data file of the directory by name.
    public var files: [String: FileEntry]
}
