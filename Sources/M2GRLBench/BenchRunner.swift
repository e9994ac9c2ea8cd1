import Foundation
import Snapshot
import WireProtocol

/// One `m2grl bench` run against a running server: recall check, in-process floor, closed loop
/// with one and with C connections, open loop at fractions of the closed-loop peak, and PING
/// against the server and a bare echo server (transport floor). Rows go into a `BenchReport`.
public struct BenchRunner {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 7700
        public var view = "item"
        public var k = 10
        public var connections = 8
        public var pipeline = 1
        public var mix: [(op: BenchOp, weight: Int)] = [(.vector, 1)]
        public var batchSize = 8
        public var seconds = 5.0
        public var requests: Int?
        /// Open-loop rates as fractions of the C-connection closed-loop QPS (e.g. [0.7]).
        public var openFractions: [Double] = []
        /// Absolute open-loop rates (requests/s).
        public var openRates: [Double] = []
        public var echoPort: Int?
        /// How open-loop runs drive their connections.
        public var openLoopDriver: OpenLoopDriver = .epoll
        public var indexLabel = "item"
        /// The in-process floor's BLAS threshold; keep it equal to the server's `blas_threshold`
        /// (1 by default) so the floor searches the same way (both use one OpenBLAS thread).
        public var floorBLASThreshold = 1
        /// Client receive busy-poll (µs) in the one-connection phases (1×1 and PING vs echo).
        public var singleBusyPollMicroseconds = 0
        public init() {}
    }

    public let options: Options
    public let dataset: BenchDataset
    /// The snapshot the server serves, loaded here for the in-process floor and item keys.
    public let snapshot: LoadedSnapshot?
    public let log: @Sendable (String) -> Void

    public init(options: Options, dataset: BenchDataset, snapshot: LoadedSnapshot?, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.dataset = dataset
        self.snapshot = snapshot
        self.log = log
    }

    /// Runs everything and fills `report`.
    public func run(into report: inout BenchReport) throws(BenchError) {
        let o = options
        let view = snapshot?.view(named: o.view)
        let keys = view.map { Array($0.keyMap.keys.prefix(dataset.count * 4)) } ?? []
        let workload = try BenchWorkload(mix: o.mix, view: o.view, k: o.k, vectors: dataset.queries, dimension: dataset.dimension,
                                         keys: keys, batchSize: o.batchSize)
        let recall = try serverRecall(view: view)
        if let recall { log(String(format: "server recall@%d = %.4f over %d queries", o.k, recall, dataset.count)) }
        report.recall = recall
        if let view {
            let (latency, found) = try InProcessFloor.measure(view: view, dataset: dataset, k: o.k, rounds: 2,
                                                                blasThreshold: o.floorBLASThreshold)
            let floorRecall = dataset.recall(found, k: o.k)
            report.floor = (latency, floorRecall)
            log(String(format: "in-process Faiss (1 thread, BLAS from \(o.floorBLASThreshold) queries, same snapshot): p50 %.1f µs p99 %.1f µs", Double(latency.percentile(0.5)) / 1e3,
                       Double(latency.percentile(0.99)) / 1e3) + (floorRecall.map { String(format: ", recall %.4f", $0) } ?? ""))
        }
        var plan = LoadPlan(connections: o.connections, pipeline: o.pipeline, seconds: o.seconds, requests: o.requests,
                            openFractions: o.openFractions, openRates: o.openRates)
        plan.openLoopDriver = o.openLoopDriver
        plan.singleBusyPollMicroseconds = o.singleBusyPollMicroseconds
        try plan.run(workload: workload, connect: { (n) throws(BenchError) in try connect(n) }, into: &report, log: log)
        if let echoPort = o.echoPort {
            let ping = try BenchWorkload(mix: [(.ping, 1)], view: o.view, k: o.k, vectors: [], dimension: 0, keys: [], batchSize: 1)
            let (server, echo) = try LoadPlan.withBusyPoll(microseconds: o.singleBusyPollMicroseconds) { () throws(BenchError) in
                (try LoadDriver.closedLoop(try connect(1), workload: ping, pipeline: 1, seconds: min(o.seconds, 3)),
                 try LoadDriver.closedLoop([try BenchConnection(host: o.host, port: echoPort, raw: true)], workload: ping,
                                           pipeline: 1, seconds: min(o.seconds, 3)))
            }
            report.transport = (server.overall, echo.overall)
            log(LoadPlan.describe("PING m2grl", server))
            log(LoadPlan.describe("PING bare libuv echo", echo))
        }
    }

    /// Every query once, sequentially; recall@k of the server's answers against the ground truth.
    func serverRecall(view: ServedView?) throws(BenchError) -> Double? {
        guard dataset.truth != nil, dataset.count > 0 else { return nil }
        let connection = try BenchConnection(host: options.host, port: options.port)
        let d = dataset.dimension
        var found: [[String]] = []
        for q in 0..<dataset.count {
            let values = Array(dataset.queries[(q * d)..<((q + 1) * d)])
            try connection.write(Frame.encode(TopKRequest(view: options.view, k: UInt32(options.k), queries: .vectors(dimension: d, values: values)),
                                              requestID: UInt64(q + 1)))
            let frame = try connection.nextFrame()
            if frame.header.type == .error {
                let message = (try? frame.decode(ErrorReply.self)).map { "\($0.code): \($0.message)" } ?? "unreadable error"
                throw BenchError(.server, "TOPK failed: \(message)")
            }
            guard let reply = try? frame.decodeTopKReply(), let result = reply.results.first else {
                throw BenchError(.protocolViolation, "bad TOPK reply")
            }
            found.append(result.ids.map { view?.keyMap.externalID(forKey: $0) ?? String($0) })
        }
        return dataset.recall(found, k: options.k)
    }

    func connect(_ count: Int) throws(BenchError) -> [BenchConnection] {
        var connections: [BenchConnection] = []
        for _ in 0..<count { connections.append(try BenchConnection(host: options.host, port: options.port)) }
        return connections
    }

}
