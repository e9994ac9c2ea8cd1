import Foundation

/// How tables become indexes: which Faiss index per view, its parameters, and the recall gate.
///
/// Loaded from `Config/export.toml` (see that file for every key). Views up to
/// `flatMaxCount` vectors get an exact `Flat` index; larger ones get `largeFactory`
/// (IVF by default: it builds in seconds where Debian's Faiss needs minutes for HNSW).
/// `[views.NAME]` tables override the choice for one view.
public struct ExportConfiguration: Sendable, Equatable {
    /// Publishing is refused when any view's recall@10 is below this.
    public var recallFloor: Double = 0.95
    /// Queries sampled per view to measure recall (fewer when the view is smaller).
    public var recallQueries: Int = 1000
    /// The k of the recall measurement.
    public var recallK: Int = 10
    /// Views with at most this many vectors use `Flat` (exact).
    public var flatMaxCount: Int = 200_000
    /// Factory for larger views: "IVF" (nlist chosen from the count), "HNSW32", or any Faiss string.
    public var largeFactory: String = "IVF"
    /// Default HNSW efSearch.
    public var efSearch: Int = 64
    /// HNSW efConstruction.
    public var efConstruction: Int = 40
    /// Default IVF nprobe.
    public var nprobe: Int = 16
    /// When recall is below the floor, double efSearch / nprobe (up to the maxima) and measure again.
    public var tuneSearchParameters: Bool = true
    public var maxEfSearch: Int = 1024
    public var maxNprobe: Int = 256
    /// IVF trains on at most this many vectors per list.
    public var trainingPointsPerList: Int = 64
    /// Seed for query and training samples.
    public var seed: UInt64 = 20_200_823
    /// OpenMP threads for training and adding (0: Faiss' default, one per core; 1 by default: the
    /// daily rebuild shares the cores with the server, and oversubscribed OpenMP spins).
    public var threads: Int = 1
    /// Vectors added per step (the progress line reports after each).
    public var addBatchSize: Int = 50_000
    /// Per-view overrides by view name.
    public var views: [String: ViewOverride] = [:]

    /// Settings of one view that replace the defaults.
    public struct ViewOverride: Sendable, Equatable {
        public var factory: String?
        public var efSearch: Int?
        public var efConstruction: Int?
        public var nprobe: Int?
        public var recallFloor: Double?
        public init(factory: String? = nil, efSearch: Int? = nil, efConstruction: Int? = nil, nprobe: Int? = nil, recallFloor: Double? = nil) {
            self.factory = factory
            self.efSearch = efSearch
            self.efConstruction = efConstruction
            self.nprobe = nprobe
            self.recallFloor = recallFloor
        }
    }

    public init() {}

    /// The index plan of a view with `count` vectors.
    public func plan(view: String, count: Int) -> IndexPlan {
        let o = views[view]
        var factory = o?.factory ?? (count <= flatMaxCount ? "Flat" : largeFactory)
        if factory == "IVF" { factory = "IVF\(Self.defaultListCount(count)),Flat" }
        return IndexPlan(factory: factory, efSearch: o?.efSearch ?? efSearch, efConstruction: o?.efConstruction ?? efConstruction,
                         nprobe: o?.nprobe ?? nprobe, recallFloor: o?.recallFloor ?? recallFloor)
    }

    /// IVF list count for `count` vectors: the power of two nearest √count, in 16...65536,
    /// and never more lists than count / 39 (Faiss' minimum training points per list).
    public static func defaultListCount(_ count: Int) -> Int {
        let target = max(16.0, min(65_536.0, Double(count).squareRoot()))
        var nlist = 1 << Int((log2(target)).rounded())
        while nlist > 1, nlist * 39 > count { nlist /= 2 }
        return max(1, nlist)
    }

    /// Parses the TOML text of an export configuration.
    public static func parse(_ text: String, source: String = "export.toml") throws(SnapshotError) -> ExportConfiguration {
        let pairs = try TOMLSubset.parse(text, source: source)
        var c = ExportConfiguration()
        func int(_ key: String, _ v: TOMLSubset.Value, min lo: Int = 0) throws(SnapshotError) -> Int {
            guard case .integer(let i) = v, i >= lo else { throw SnapshotError(.invalidConfiguration, "\(source): \(key) must be an integer ≥ \(lo)") }
            return i
        }
        func double(_ key: String, _ v: TOMLSubset.Value) throws(SnapshotError) -> Double {
            switch v {
            case .integer(let i): return Double(i)
            case .float(let d): return d
            default: throw SnapshotError(.invalidConfiguration, "\(source): \(key) must be a number")
            }
        }
        func string(_ key: String, _ v: TOMLSubset.Value) throws(SnapshotError) -> String {
            guard case .string(let s) = v, !s.isEmpty else { throw SnapshotError(.invalidConfiguration, "\(source): \(key) must be a non-empty string") }
            return s
        }
        for (key, v) in pairs.sorted(by: { $0.key < $1.key }) {
            if key.hasPrefix("views.") {
                let rest = key.dropFirst("views.".count)
                guard let dot = rest.lastIndex(of: "."), dot != rest.startIndex else {
                    throw SnapshotError(.invalidConfiguration, "\(source): '\(key)' must be inside a [views.NAME] table")
                }
                let view = String(rest[..<dot]), field = String(rest[rest.index(after: dot)...])
                var o = c.views[view] ?? ViewOverride()
                switch field {
                case "factory": o.factory = try string(key, v)
                case "ef_search": o.efSearch = try int(key, v, min: 1)
                case "ef_construction": o.efConstruction = try int(key, v, min: 1)
                case "nprobe": o.nprobe = try int(key, v, min: 1)
                case "recall_floor": o.recallFloor = try double(key, v)
                default: throw SnapshotError(.invalidConfiguration, "\(source): unknown key '\(key)'")
                }
                c.views[view] = o
                continue
            }
            switch key {
            case "recall.floor": c.recallFloor = try double(key, v)
            case "recall.queries": c.recallQueries = try int(key, v, min: 1)
            case "recall.k": c.recallK = try int(key, v, min: 1)
            case "recall.tune_search_parameters":
                guard case .bool(let b) = v else { throw SnapshotError(.invalidConfiguration, "\(source): \(key) must be true or false") }
                c.tuneSearchParameters = b
            case "index.flat_max_count": c.flatMaxCount = try int(key, v)
            case "index.large_factory": c.largeFactory = try string(key, v)
            case "index.ef_search": c.efSearch = try int(key, v, min: 1)
            case "index.ef_construction": c.efConstruction = try int(key, v, min: 1)
            case "index.nprobe": c.nprobe = try int(key, v, min: 1)
            case "index.max_ef_search": c.maxEfSearch = try int(key, v, min: 1)
            case "index.max_nprobe": c.maxNprobe = try int(key, v, min: 1)
            case "index.training_points_per_list": c.trainingPointsPerList = try int(key, v, min: 39)
            case "index.threads": c.threads = try int(key, v)
            case "index.add_batch_size": c.addBatchSize = try int(key, v, min: 1)
            case "seed": c.seed = UInt64(try int(key, v))
            default: throw SnapshotError(.invalidConfiguration, "\(source): unknown key '\(key)'")
            }
        }
        guard (0...1).contains(c.recallFloor) else { throw SnapshotError(.invalidConfiguration, "\(source): recall.floor must be in 0...1") }
        return c
    }

    /// Reads and parses a configuration file.
    public static func load(from url: URL) throws(SnapshotError) -> ExportConfiguration {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw SnapshotError(.missingFile, "cannot read export configuration \(url.path)")
        }
        return try parse(text, source: url.lastPathComponent)
    }
}

/// The resolved index settings of one view.
public struct IndexPlan: Sendable, Equatable {
    public var factory: String
    public var efSearch: Int
    public var efConstruction: Int
    public var nprobe: Int
    public var recallFloor: Double
}
