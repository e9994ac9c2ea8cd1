import ArgumentParser
import Foundation
import M2GRLBench
import Snapshot

/// `m2grl bench`: load-test a running `m2grl serve` (closed and open loop) against the in-process floor.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Latency benchmarks of a running server, and synthetic snapshots to run them on.",
        subcommands: [BenchRunCommand.self, BenchRedisCommand.self, BenchSnapshotCommand.self],
        defaultSubcommand: BenchRunCommand.self
    )
}

struct BenchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive a running server: recall check, in-process floor, closed loop (1 and C connections), open loop, PING vs echo.",
        discussion: """
            Closed loop: each connection keeps --pipeline requests in flight. Open loop: requests leave \
            at a fixed total rate (--open-fraction of the closed-loop peak, or --open-rate), and latency \
            is measured from each request's intended send time. Percentiles are nearest-rank from a \
            log-linear histogram (< 0.8 % error).
            """
    )

    @Option(help: "Server address (IPv4).") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "Query vectors (.f32), e.g. the peers' queries.f32 (default: up to 2,000 stored vectors of the snapshot's view).") var queries: String?
    @Option(help: "Exact ground truth (groundtruth.tsv) for recall@k.") var groundTruth: String?
    @Option(help: "The snapshot directory (or root with `current`) the server serves: in-process floor and item keys.") var snapshot: String?
    @Option(help: "View to query.") var view = "item"
    @Option(help: "Use only the first N queries (recall, floor and load), e.g. for exact search at 1M.") var maxQueries: Int?
    @Option(help: "Results per query.") var k = 10
    @Option(help: "Concurrent connections.") var connections = 8
    @Option(help: "Requests in flight per connection (closed loop).") var pipeline = 1
    @Option(help: "Op mix: vector, id, batch, ping, diverse with weights, e.g. vector:3,id:1.") var mix = "vector"
    @Option(help: "Queries per request of the batch op.") var batch = 8
    @Option(help: "Seconds per load run.") var duration = 5.0
    @Option(help: "Stop a closed-loop run after this many requests.") var requests: Int?
    @Option(help: "Open-loop rates as fractions of the closed-loop peak, comma-separated (e.g. 0.7).") var openFraction: String?
    @Option(help: "Open-loop rates in requests/s, comma-separated.") var openRate: String?
    @Option(help: "Open-loop driver: epoll (one thread, timerfd), epoll-spin (spins the last 50 µs), threads (two per connection).")
    var openLoopDriver = "epoll"
    @Option(help: "Port of a bare libuv echo server (Benchmarks/echo) for the transport floor.") var echoPort: Int?
    @Option(help: "Series name in the JSON (e.g. HNSW32).") var index = "item"
    @Option(help: "Write the JSON result here.") var json: String?
    @Option(help: "The floor's BLAS threshold (query count from which Faiss uses BLAS); match the server's blas_threshold.")
    var floorBlasThreshold = 1
    @Option(help: "In the one-connection phases (1×1, PING vs echo) the client polls for each reply this many µs before sleeping (0 = block).")
    var singleBusyPollUs = 0

    func run() throws {
        var options = BenchRunner.Options()
        options.floorBLASThreshold = floorBlasThreshold
        options.singleBusyPollMicroseconds = singleBusyPollUs
        options.host = host
        options.port = port
        options.view = view
        options.k = k
        options.connections = connections
        options.pipeline = pipeline
        options.mix = try BenchWorkload.parseMix(mix)
        options.batchSize = batch
        options.seconds = duration
        options.requests = requests
        options.openFractions = try Self.numbers(openFraction)
        options.openRates = try Self.numbers(openRate)
        options.echoPort = echoPort
        guard let driver = OpenLoopDriver(rawValue: openLoopDriver) else {
            throw ValidationError("--open-loop-driver must be one of \(OpenLoopDriver.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        options.openLoopDriver = driver
        let loaded = try snapshot.map { path -> LoadedSnapshot in
            let url = URL(fileURLWithPath: path)
            let current = url.appendingPathComponent("current")
            return try LoadedSnapshot.load(from: FileManager.default.fileExists(atPath: current.path) ? current.resolvingSymlinksInPath() : url)
        }
        var dataset: BenchDataset
        if let queries {
            dataset = try BenchDataset.load(queries: URL(fileURLWithPath: queries), groundTruth: groundTruth.map { URL(fileURLWithPath: $0) })
        } else {
            guard let served = loaded?.view(named: view) else { throw ValidationError("give --queries, or --snapshot with a view '\(view)'") }
            let vectors = try served.keyMap.keys.prefix(2000).flatMap { try served.index.reconstruct(id: $0) }
            dataset = BenchDataset(queries: vectors, dimension: served.dimension, truth: nil)
        }
        if let maxQueries {
            guard maxQueries > 0 else { throw ValidationError("--max-queries must be positive") }
            dataset = dataset.prefix(maxQueries)
        }
        var report = BenchReport()
        report.index = index
        report.k = k
        report.command = CommandLine.arguments.joined(separator: " ")
        report.dataset = ["path": queries ?? "stored vectors of \(snapshot ?? "")", "queries": dataset.count, "d": dataset.dimension,
                          "n": loaded?.view(named: view)?.count ?? 0]
        if let served = loaded?.view(named: view) {
            var params: [String: Any] = ["kind": served.index.kind.rawValue, "snapshot": loaded!.version]
            if let ef = served.searchParameters.efSearch { params["efSearch"] = ef }
            if let nprobe = served.searchParameters.nprobe { params["nprobe"] = nprobe }
            report.params = params
        }
        report.versions = ["m2grl": "git " + (ProcessInfo.processInfo.environment["M2GRL_GIT_REV"] ?? "unknown"), "faiss": "1.7.3 (Debian libfaiss-dev)"]
        let runner = BenchRunner(options: options, dataset: dataset, snapshot: loaded) { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        try runner.run(into: &report)
        if let json {
            try report.json().write(to: URL(fileURLWithPath: json))
            print("wrote \(json)")
        }
    }

    static func numbers(_ text: String?) throws -> [Double] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { part in
            guard let value = Double(part), value > 0 else { throw ValidationError("not a positive number: \(part)") }
            return value
        }
    }
}

struct BenchSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Publish a one-view (`item`) snapshot from a .f32 vector file with a chosen Faiss index."
    )

    @Option(help: "Vectors (.f32), e.g. the peers' base.f32.") var vectors: String
    @Option(help: "Snapshot root to publish into.") var snapshots: String
    @Option(help: "Faiss factory string: Flat, HNSW32, IVF1024,Flat, ...") var factory = "Flat"
    @Option(help: "HNSW efSearch to start tuning from.") var efSearch: Int?
    @Option(help: "IVF nprobe to start tuning from.") var nprobe: Int?
    @Option(help: "HNSW efConstruction.") var efConstruction: Int?
    @Option(help: "Refuse to publish below this recall@10 on stored vectors (the bench measures recall on its queries).") var recallFloor = 0.95

    func run() throws {
        let version = try SyntheticSnapshot.publish(vectors: URL(fileURLWithPath: vectors), root: URL(fileURLWithPath: snapshots),
                                                    factory: factory, efSearch: efSearch, nprobe: nprobe,
                                                    efConstruction: efConstruction, recallFloor: recallFloor) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        print(version)
    }
}

struct BenchRedisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "Drive Redis Stack vector search (FT.SEARCH KNN) with the same Swift load generator as `bench run`.",
        discussion: """
            Reuses --index-name if it exists on the server (e.g. built by Benchmarks/peers/bench_redis.py), \
            else loads --base as hashes v:<row> and builds it (HNSW M 16, EF_CONSTRUCTION 100, IP). Tunes \
            EF_RUNTIME to --recall-target on the queries, then: closed loop 1×1 and C×1, open loop at \
            --open-fraction of the peak. Start the server on 127.0.0.1 only.
            """
    )

    @Option(help: "Redis address (IPv4).") var host = "127.0.0.1"
    @Option(help: "Redis port.") var port: Int
    @Option(help: "Query vectors (.f32), the peers' queries.f32.") var queries: String
    @Option(help: "Exact ground truth (groundtruth.tsv) for recall@k.") var groundTruth: String
    @Option(help: "Base vectors (.f32) to load when the index does not exist.") var base: String?
    @Option(help: "RediSearch index name.") var indexName = "idx_hnsw"
    @Option(help: "HNSW or FLAT (when the index is created here).") var algorithm = "HNSW"
    @Option(help: "EF_RUNTIME values to try in order (HNSW).") var efRuntime = "10,16,24,32,48,64,96,128,192,256,400"
    @Option(help: "Recall@k the EF_RUNTIME tuning aims for.") var recallTarget = 0.95
    @Option(help: "Results per query.") var k = 10
    @Option(help: "Concurrent connections.") var connections = 8
    @Option(help: "Seconds per load run.") var duration = 5.0
    @Option(help: "Open-loop rates as fractions of the closed-loop peak, comma-separated.") var openFraction: String?
    @Option(help: "Seconds per open-loop point (default: --duration).") var openDuration: Double?
    @Option(help: "In the one-connection phase the client polls for each reply this many µs before sleeping (0 = block).")
    var singleBusyPollUs = 0
    @Option(help: "Write the JSON result here.") var json: String?

    func run() throws {
        var options = RedisVectorBench.Options()
        options.host = host
        options.port = port
        options.indexName = indexName
        options.algorithm = algorithm.uppercased()
        guard ["HNSW", "FLAT"].contains(options.algorithm) else { throw ValidationError("--algorithm must be HNSW or FLAT") }
        options.base = base.map { URL(fileURLWithPath: $0) }
        options.k = k
        options.efRuntimes = try BenchRunCommand.numbers(efRuntime).map { Int($0) }
        options.recallTarget = recallTarget
        options.plan = LoadPlan(connections: connections, pipeline: 1, seconds: duration,
                                openFractions: try BenchRunCommand.numbers(openFraction), openSeconds: openDuration)
        options.plan.singleBusyPollMicroseconds = singleBusyPollUs
        let dataset = try BenchDataset.load(queries: URL(fileURLWithPath: queries), groundTruth: URL(fileURLWithPath: groundTruth))
        var report = BenchReport()
        report.k = k
        report.command = CommandLine.arguments.joined(separator: " ")
        report.dataset = ["path": queries, "queries": dataset.count, "d": dataset.dimension, "n": Self.baseCount(queries: queries)]
        let bench = RedisVectorBench(options: options, dataset: dataset) { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        try bench.run(into: &report)
        if let json {
            try report.json().write(to: URL(fileURLWithPath: json))
            print("wrote \(json)")
        }
    }

    /// n from the dataset's meta.json beside the queries (make_dataset.py), 0 if absent.
    static func baseCount(queries: String) -> Int {
        let meta = URL(fileURLWithPath: queries).deletingLastPathComponent().appendingPathComponent("meta.json")
        guard let data = try? Data(contentsOf: meta), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
        return object["n"] as? Int ?? 0
    }
}
