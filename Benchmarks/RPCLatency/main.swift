// rpc-latency: round-trip latency and throughput of the M2GRL RPC server over loopback.
//
//   swift build -c release --product rpc-latency
//   .build/release/rpc-latency [--items 10000] [--dimension 64] [--factory Flat] [--clients 8]
//                              [--seconds 3] [--port P  (benchmark a running server instead)]
//
// Prints PING and TOPK (k = 10, by id) p50/p99/p999 for one sequential client, the in-process Faiss
// time of the same queries (so the server's own overhead is visible), and QPS with N clients.
import Foundation
import Logging
import M2GRLCore
import RPCClient
import RPCServer
import Snapshot
import Synchronization
import VectorIndex
import WireProtocol

var arguments: [String: String] = [:]
var index = 1
while index < CommandLine.arguments.count {
    let key = CommandLine.arguments[index]
    guard key.hasPrefix("--"), index + 1 < CommandLine.arguments.count else {
        FileHandle.standardError.write(Data("usage: rpc-latency [--items N] [--dimension D] [--factory F] [--clients C] [--seconds S] [--port P]\n".utf8))
        exit(2)
    }
    arguments[String(key.dropFirst(2))] = CommandLine.arguments[index + 1]
    index += 2
}
let items = Int(arguments["items"] ?? "") ?? 10_000
let dimension = Int(arguments["dimension"] ?? "") ?? 64
let factory = arguments["factory"] ?? "Flat"
let clients = Int(arguments["clients"] ?? "") ?? 8
let seconds = Double(arguments["seconds"] ?? "") ?? 3

func percentile(_ sorted: [Double], _ q: Double) -> Double {
    sorted[min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
}

func report(_ name: String, _ samples: [Double]) {
    let sorted = samples.sorted()
    print(String(format: "%-28@ n=%6d  p50 %8.1f µs  p99 %8.1f µs  p999 %8.1f µs", name as NSString, sorted.count,
                 percentile(sorted, 0.5) * 1e6, percentile(sorted, 0.99) * 1e6, percentile(sorted, 0.999) * 1e6))
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

// A synthetic snapshot: `items` random unit-ish vectors, numeric ids 1...items.
var rng = SystemRandomNumberGenerator()
let ids = (1...items).map(String.init)
let keyMap = ViewKeyMap(externalIDs: ids)
let vectorIndex = try VectorIndex(factory: factory, dimension: dimension)
let vectors = (0..<(items * dimension)).map { _ in Float.random(in: -1...1, using: &rng) }
if !vectorIndex.isTrained { try vectorIndex.train(vectors) }
try vectorIndex.add(vectors, ids: keyMap.keys)
let view = ServedView(name: "item", kind: .view, index: vectorIndex, keyMap: keyMap)
let snapshot = LoadedSnapshot(version: "bench", views: [view], items: [])

var server: RPCServer?
var port = Int(arguments["port"] ?? "") ?? 0
if port == 0 {
    var configuration = ServerConfiguration()
    configuration.port = 0
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    server = RPCServer(configuration: configuration, snapshot: snapshot, loader: { _ in snapshot }, logger: logger)
    try server!.start()
    port = server!.port
}
print("server 127.0.0.1:\(port) · \(items) × \(dimension) \(factory) · \(ProcessInfo.processInfo.activeProcessorCount) cores")

let client = try RPCClient(port: port)
let queryKeys = (0..<2000).map { _ in Int64.random(in: 1...Int64(items), using: &rng) }

// Warm up.
for key in queryKeys.prefix(200) { _ = try client.topK(TopKRequest(view: "item", k: 10, queries: .ids([key]))) }

var ping: [Double] = []
for _ in 0..<20_000 {
    let start = now()
    _ = try client.ping()
    ping.append(now() - start)
}
report("PING (1 client)", ping)

var topk: [Double] = []
for key in queryKeys {
    let start = now()
    _ = try client.topK(TopKRequest(view: "item", k: 10, queries: .ids([key])))
    topk.append(now() - start)
}
report("TOPK k=10 by id (1 client)", topk)

VectorIndex.setOpenMPThreads(1)
var inProcess: [Double] = []
for key in queryKeys {
    let start = now()
    let query = try vectorIndex.reconstruct(id: key)
    _ = try vectorIndex.search(query, k: 10)
    inProcess.append(now() - start)
}
report("in-process Faiss (same)", inProcess)
let overhead = percentile(topk.sorted(), 0.5) - percentile(inProcess.sorted(), 0.5)
print(String(format: "server + transport overhead at p50: %.1f µs", overhead * 1e6))

let done = Atomic<Int>(0)
let stopAt = now() + seconds
let serverPort = port
let threads = (0..<clients).map { _ in
    Thread {
        guard let own = try? RPCClient(port: serverPort) else { return }
        var count = 0
        var local = SystemRandomNumberGenerator()
        while now() < stopAt {
            let key = Int64.random(in: 1...Int64(items), using: &local)
            if (try? own.topK(TopKRequest(view: "item", k: 10, queries: .ids([key])))) != nil { count += 1 }
        }
        done.add(count, ordering: .relaxed)
    }
}
let started = now()
threads.forEach { $0.start() }
while now() < stopAt + 0.5 && done.load(ordering: .relaxed) == 0 { usleep(50_000) }
usleep(300_000)
print(String(format: "TOPK QPS with %d clients: %.0f", clients, Double(done.load(ordering: .relaxed)) / (now() - started - 0.3)))
if let stats = try? client.stats() {
    for latency in stats.latencies {
        print("server-side \(latency.name): p50 \(latency.p50 / 1000) µs, p99 \(latency.p99 / 1000) µs, p999 \(latency.p999 / 1000) µs (n=\(latency.count))")
    }
}
server?.stop()
server?.wait()
