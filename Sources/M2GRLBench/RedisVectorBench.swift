import Foundation
import M2GRLCore

/// Redis Stack (RediSearch) vector search driven by the same Swift load generator as `m2grl serve`:
/// same closed- and open-loop driver, same histograms, same query vectors and ground truth. It
/// reuses an existing index (e.g. the one `bench_redis.py` built on the same server) or loads the
/// base vectors as hashes `v:<row>` and builds it (HNSW M 16, EF_CONSTRUCTION 100, IP, as the
/// Python peer does), tunes EF_RUNTIME to the recall target, then runs a `LoadPlan`.
public struct RedisVectorBench {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 6379
        /// RediSearch index name (`idx_hnsw`, `idx_flat` in the Python peer).
        public var indexName = "idx_hnsw"
        /// `HNSW` or `FLAT`, used only when the index must be created.
        public var algorithm = "HNSW"
        public var m = 16
        public var efConstruction = 100
        /// Base vectors (.f32) to load when the index does not exist yet.
        public var base: URL?
        public var k = 10
        /// EF_RUNTIME values tried in order (HNSW); the first reaching `recallTarget` is used.
        public var efRuntimes = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 400]
        public var recallTarget = 0.95
        public var plan = LoadPlan(connections: 8, pipeline: 1, seconds: 5)
        public init() {}
    }

    public let options: Options
    public let dataset: BenchDataset
    public let log: @Sendable (String) -> Void

    public init(options: Options, dataset: BenchDataset, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.dataset = dataset
        self.log = log
    }

    /// The `FT.SEARCH` command for one query row, as the Python peer sends it.
    public static func searchCommand(index: String, k: Int, efRuntime: Int?, vector: ArraySlice<Float>) -> [UInt8] {
        var blob: [UInt8] = []
        blob.reserveCapacity(vector.count * 4)
        for v in vector { withUnsafeBytes(of: v.bitPattern.littleEndian) { blob += $0 } }
        let ef = efRuntime.map { " EF_RUNTIME \($0)" } ?? ""
        let text = ["FT.SEARCH", index, "*=>[KNN \(k) @v $B\(ef) AS score]", "PARAMS", "2", "B"].map { Array($0.utf8) }
        let tail = ["NOCONTENT", "LIMIT", "0", "\(k)", "DIALECT", "2"].map { Array($0.utf8) }
        return RESPEncoder.command(text + [blob] + tail)
    }

    /// The row ids (as strings) of a `FT.SEARCH … NOCONTENT` reply: `[total, "v:12", "v:7", …]`.
    public static func resultIDs(_ reply: RESPValue) throws(BenchError) -> [String] {
        if case .error(let message) = reply { throw BenchError(.server, "FT.SEARCH failed: \(message)") }
        guard case .array(let items?) = reply, let first = items.first, first.integerValue != nil else {
            throw BenchError(.protocolViolation, "FT.SEARCH reply is not [total, key, …]")
        }
        var ids: [String] = []
        for item in items.dropFirst() {
            guard let key = item.text, key.hasPrefix("v:") else { throw BenchError(.protocolViolation, "FT.SEARCH returned a key not 'v:<row>'") }
            ids.append(String(key.dropFirst(2)))
        }
        return ids
    }

    /// Runs setup, tuning and the load plan; fills `report` (system `redis-stack (Swift client)`).
    public func run(into report: inout BenchReport) throws(BenchError) {
        let o = options
        let setup = try RESPConnection(host: o.host, port: o.port)
        guard case .simpleString("PONG") = try setup.command("PING") else { throw BenchError(.protocolViolation, "PING not answered with PONG") }
        var info = try Self.indexInfo(setup, o.indexName)
        var build: [String: Any] = [:]
        if info == nil {
            guard let base = o.base else { throw BenchError(.invalidArgument, "index \(o.indexName) does not exist; give the base vectors to build it") }
            build = try createIndex(setup, base: base)
            info = try Self.indexInfo(setup, o.indexName)
        } else {
            build["reused"] = "index built earlier on this server (by bench_redis.py or an earlier run)"
        }
        let docs = info?["num_docs"]?.integerValue ?? 0
        log("\(o.indexName): \(docs) documents")
        build["docs"] = docs
        // FT.INFO lists each field's attributes, among them the vector algorithm.
        let hnsw = info?["attributes"].map { Self.contains($0, text: "HNSW") } ?? (o.algorithm == "HNSW")
        var ef: Int?
        var recall: Double?
        var tried: [[String: Any]] = []
        for candidate in hnsw ? o.efRuntimes.map(Optional.some) : [nil] {
            recall = try measureRecall(setup, efRuntime: candidate)
            ef = candidate
            tried.append(["value": candidate ?? 0, "recall": ((recall ?? 0) * 10_000).rounded() / 10_000])
            log(String(format: "  EF_RUNTIME %@: recall@%d = %.4f", candidate.map(String.init) ?? "—", o.k, recall ?? 0))
            if (recall ?? 1) >= o.recallTarget { break }
        }
        if hnsw { build["tuning"] = tried }
        report.system = "redis-stack (Swift client)"
        report.label = "Redis Stack (RediSearch) via the Swift m2grl bench RESP2 client"
        report.client = "Swift m2grl bench: minimal RESP2 client, one blocking TCP connection per thread, 127.0.0.1"
        report.index = hnsw ? "HNSW" : "FLAT"
        report.params = hnsw ? ["M": o.m, "EF_CONSTRUCTION": o.efConstruction, "EF_RUNTIME": ef ?? 0] : [:]
        report.recall = recall
        report.indexInfo = build
        report.versions = try Self.versions(setup)
        let frames = (0..<dataset.count).map { q in
            Self.searchCommand(index: o.indexName, k: o.k, efRuntime: ef, vector: dataset.queries[(q * dataset.dimension)..<((q + 1) * dataset.dimension)])
        }
        let workload = try BenchWorkload(op: .vector, frames: frames)
        let connect = { (n: Int) throws(BenchError) -> [any LoadConnection] in
            var list: [any LoadConnection] = []
            for _ in 0..<n { list.append(try RESPConnection(host: o.host, port: o.port)) }
            return list
        }
        try o.plan.run(workload: workload, connect: connect, into: &report, log: log)
    }

    /// Whether `value` holds a string equal to `text` (case-insensitive) anywhere in its nesting.
    static func contains(_ value: RESPValue, text: String) -> Bool {
        if case .array(let items?) = value { return items.contains { contains($0, text: text) } }
        return value.text?.caseInsensitiveCompare(text) == .orderedSame
    }

    /// Every query once, sequentially; recall@k against the ground truth.
    func measureRecall(_ connection: RESPConnection, efRuntime: Int?) throws(BenchError) -> Double? {
        var found: [[String]] = []
        let d = dataset.dimension
        for q in 0..<dataset.count {
            try connection.send(Self.searchCommand(index: options.indexName, k: options.k, efRuntime: efRuntime,
                                                   vector: dataset.queries[(q * d)..<((q + 1) * d)]), sequence: 0)
            found.append(try Self.resultIDs(connection.nextValue()))
        }
        return dataset.recall(found, k: options.k)
    }
}
