import M2GRLCore
import VectorIndex

/// `manifest.json` of a snapshot directory: everything needed to verify and serve it.
///
/// Layout of a snapshot directory (named by its version):
/// - `manifest.json`: this structure;
/// - `views/NAME.faiss`: one Faiss inner-product index (IDMap2) per view;
/// - `views/NAME.ids`: the view's external ids, one per line, in key-map row order;
/// - `items.tsv`: item metadata (see `ItemMetadataFile`);
/// - `attachments/NAME`: extra model files carried from the bundle (e.g. the diversity model).
public struct SnapshotManifest: Codable, Sendable, Equatable {
    /// The format version this build writes and the newest it reads.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// The version (directory name), e.g. "20261126T031000.250Z-3f9a1c".
    public var version: String
    /// Creation time, ISO 8601 UTC.
    public var createdAt: String
    /// The data window the model was trained on (copied from the bundle).
    public var dataWindow: [String: String]
    /// The training configuration (copied from the bundle).
    public var configuration: [String: String]
    /// The training evaluation metrics (copied from the bundle).
    public var metrics: [String: Double]
    /// One entry per exported table, in bundle order.
    public var views: [View]
    /// Item metadata file.
    public var items: FileEntry
    /// Number of items in `items`.
    public var itemCount: Int
    /// Extra files (the diversity model when one exists).
    public var attachments: [Attachment]
    /// Export settings that produced this snapshot.
    public var export: ExportSummary

    /// A file of the snapshot with its size and checksum.
    public struct FileEntry: Codable, Sendable, Equatable {
        /// Path relative to the snapshot directory.
        public var file: String
        /// Size in bytes.
        public var bytes: Int
        /// Lower-case hex SHA-256 of the file.
        public var sha256: String

        public init(file: String, bytes: Int, sha256: String) {
            self.file = file
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// One view's index.
    public struct View: Codable, Sendable, Equatable {
        public var name: String
        /// `view`, `relational` or `metric`.
        public var kind: EmbeddingTable.Kind
        public var dimension: Int
        public var count: Int
        /// Always "inner_product".
        public var metric: String
        /// The Faiss factory string the index was built from.
        public var factory: String
        /// The index family ("flat", "hnsw", "ivf").
        public var indexKind: IndexKind
        /// Search parameters to use (tuned at export to reach the recall floor).
        public var searchParameters: StoredSearchParameters
        /// Whether keys are the ids' integer values (otherwise row numbers).
        public var numericKeys: Bool
        public var index: FileEntry
        public var ids: FileEntry
        /// Recall@k of the index against exact search, measured at export.
        public var recall: Double
        /// The k of `recall` (10).
        public var recallK: Int
        /// How many sampled queries measured `recall`.
        public var recallQueries: Int
        /// Seconds spent training and adding.
        public var buildSeconds: Double
    }

    /// HNSW / IVF search parameters as recorded in the manifest.
    public struct StoredSearchParameters: Codable, Sendable, Equatable {
        public var efSearch: Int?
        public var nprobe: Int?
        public var efConstruction: Int?
        public var nlist: Int?

        public init(efSearch: Int? = nil, nprobe: Int? = nil, efConstruction: Int? = nil, nlist: Int? = nil) {
            self.efSearch = efSearch
            self.nprobe = nprobe
            self.efConstruction = efConstruction
            self.nlist = nlist
        }

        /// The per-call parameters for `VectorIndex.search`.
        public var searchParameters: SearchParameters { SearchParameters(efSearch: efSearch, nprobe: nprobe) }
    }

    /// An extra file carried from the bundle.
    public struct Attachment: Codable, Sendable, Equatable {
        /// The bundle's attachment name (e.g. "diversity.json").
        public var name: String
        public var file: FileEntry
    }

    /// The export settings recorded with the snapshot.
    public struct ExportSummary: Codable, Sendable, Equatable {
        public var recallFloor: Double
        public var flatMaxCount: Int
        public var totalSeconds: Double
    }

    /// The one view entry with this name.
    public func view(named name: String) -> View? { views.first { $0.name == name } }
}

/// The first field read from a manifest, before trusting the rest of its shape.
struct ManifestVersionProbe: Decodable {
    var formatVersion: Int
}
