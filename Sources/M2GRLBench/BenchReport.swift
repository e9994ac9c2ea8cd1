import Foundation

/// The result file of `m2grl bench`, in the peers' schema (`m2grl-peers-bench/1`, see
/// Benchmarks/peers/README.md) so `plot.py` draws it beside Redis Stack, Milvus Lite and faiss-cpu.
/// Extra keys: `floor` (in-process Faiss on the same snapshot), `transport` (PING vs bare libuv echo),
/// per-row `op_latency_us` and `pipeline`.
public struct BenchReport {
    public var system = "m2grl"
    public var label = "m2grl serve (libuv RPC) via the Swift bench client"
    public var index = "item"
    public var params: [String: Any] = [:]
    /// Build facts of the index (build_seconds, docs, tuning), merged into `indexes[index]`.
    public var indexInfo: [String: Any] = [:]
    public var k = 10
    public var command = ""
    public var client = "Swift m2grl bench: one blocking TCP connection per thread, 127.0.0.1"
    public var dataset: [String: Any] = [:]
    public var versions: [String: String] = [:]
    public var recall: Double?
    public var floor: (latency: LogLinearHistogram, recall: Double?)?
    public var transport: (server: LogLinearHistogram, echo: LogLinearHistogram)?
    public private(set) var runs: [[String: Any]] = []
    let startedAt = Date()
    let machineAtStart = BenchReport.machine()

    public init() {}

    /// Percentiles in microseconds, as in the peers' files.
    public static func latencyObject(_ h: LogLinearHistogram) -> [String: Double] {
        func us(_ v: UInt64) -> Double { (Double(v) / 10).rounded() / 100 }
        return ["p50": us(h.percentile(0.5)), "p90": us(h.percentile(0.9)), "p99": us(h.percentile(0.99)),
                "p999": us(h.percentile(0.999)), "mean": (h.mean / 10).rounded() / 100, "max": us(h.max)]
    }

    mutating func add(mode: String, clients: Int, pipeline: Int, result: LoadResult, target: Double? = nil) {
        var row: [String: Any] = [
            "index": index, "params": params, "metric": "IP", "mode": mode, "clients": clients,
            "concurrency": "thread (Swift, one connection each)" + (mode == "closed" ? ", pipeline depth \(pipeline)" : ""),
            "requests": result.completed, "errors": result.errors, "duration_s": (result.seconds * 1000).rounded() / 1000,
            "qps": (result.qps * 10).rounded() / 10, "latency_us": Self.latencyObject(result.overall),
            "op_latency_us": Dictionary(uniqueKeysWithValues: zip(result.ops.map(\.rawValue), result.latency.map(Self.latencyObject))),
            "ops": result.ops.map(\.rawValue), "loadavg_1m": Self.loadAverage().first ?? 0,
        ]
        if mode == "closed" { row["pipeline"] = pipeline }
        if let recall { row["recall_at_k"] = (recall * 10_000).rounded() / 10_000 }
        if let target {
            row["target_qps"] = target.rounded()
            row["not_sent"] = result.notSent
            let lag = Self.latencyObject(result.sendLag)
            row["send_lag_us"] = ["p50": lag["p50"]!, "p99": lag["p99"]!]
            if let driver = result.driver {
                row["open_loop_driver"] = driver.rawValue
                if let cpu = result.clientCPUSeconds { row["client_cpu_s"] = (cpu * 1000).rounded() / 1000 }
                if driver != .threads { row["concurrency"] = "one client thread for all connections (epoll, non-blocking)" }
            }
        }
        runs.append(row)
    }

    /// The JSON document.
    public func json() throws -> Data {
        var object: [String: Any] = [
            "schema": "m2grl-peers-bench/1", "system": system, "label": label, "versions": versions, "client": client,
            "command": command, "started_at": ISO8601DateFormatter().string(from: startedAt), "machine": machineAtStart,
            "machine_end": Self.machine(), "dataset": dataset, "k": k, "indexes": [index: params.merging(indexInfo) { a, _ in a }], "runs": runs,
        ]
        if let floor {
            var f: [String: Any] = ["what": "same queries, same snapshot index, in-process VectorIndex.search, 1 OpenMP thread, one query per call",
                                    "latency_us": Self.latencyObject(floor.latency)]
            if let r = floor.recall { f["recall_at_k"] = (r * 10_000).rounded() / 10_000 }
            if let single = runs.first(where: { ($0["clients"] as? Int) == 1 }), let lat = single["latency_us"] as? [String: Double] {
                let p50 = Double(floor.latency.percentile(0.5)) / 1e3
                f["server_p50_over_floor_us"] = ((lat["p50"]! - p50) * 100).rounded() / 100
                f["server_p50_ratio"] = p50 > 0 ? ((lat["p50"]! / p50) * 1000).rounded() / 1000 : 0
            }
            object["floor"] = f
        }
        if let transport {
            object["transport"] = ["ping_m2grl_us": Self.latencyObject(transport.server),
                                   "ping_bare_libuv_echo_us": Self.latencyObject(transport.echo)]
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    static func machine() -> [String: Any] {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return ["nproc": ProcessInfo.processInfo.activeProcessorCount, "cpu_model": cpu, "kernel": kernel, "loadavg": loadAverage()]
    }
}
