// In-process Faiss latency through VectorIndex: single queries and 64-query
// batches for Flat, HNSW32 and IVF1024 on N × 64 clustered vectors, with
// OpenMP threads 1 and 2. Run in release:
//   swift run -c release index-latency-bench [N] [queries]
import Foundation
import VectorIndex

let args = CommandLine.arguments
let n = args.count > 1 ? Int(args[1]) ?? 100_000 : 100_000
let nq = args.count > 2 ? Int(args[2]) ?? 2_000 : 2_000
let d = 64, k = 10

var state: UInt64 = 7
@MainActor func rnd() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Float((z ^ (z >> 31)) >> 40) / Float(1 << 24) * 2 - 1
}
let clusters = 1_000
let centres = (0..<(clusters * d)).map { _ in rnd() }
var base = [Float](repeating: 0, count: n * d)
for i in 0..<n {
    let c = i % clusters
    for j in 0..<d { base[i * d + j] = centres[c * d + j] + 0.3 * rnd() }
}
let queries = (0..<(nq * d)).map { base[(($0 / d) * 31 % n) * d + $0 % d] + 0.05 * rnd() }
let ids = (0..<n).map { Int64($0) }

func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    return s[min(s.count - 1, Int(Double(s.count) * p))]
}

print("N=\(n) d=\(d) k=\(k) queries=\(nq); Debian Faiss 1.7.3 via VectorIndex")
print("index            omp  single p50 µs  single p99 µs  single QPS   batch64 µs/query  batch QPS   recall@10")
let flatRef = try VectorIndex(factory: "Flat", dimension: d)
try flatRef.add(base, ids: ids)
VectorIndex.setOpenMPThreads(2)
let truth = try flatRef.search(queries, k: k)

for (factory, params) in [("Flat", SearchParameters()), ("HNSW32", SearchParameters(efSearch: 64)), ("IVF1024,Flat", SearchParameters(nprobe: 16))] {
    VectorIndex.setOpenMPThreads(2)
    let t0 = Date()
    let index = factory == "Flat" ? flatRef : try VectorIndex(factory: factory, dimension: d)
    if factory != "Flat" {
        if !index.isTrained { try index.train(Array(base.prefix(min(n, 100_000) * d))) }
        try index.add(base, ids: ids)
    }
    let build = Date().timeIntervalSince(t0)
    for omp in [1, 2] {
        VectorIndex.setOpenMPThreads(omp)
        var lat: [Double] = []
        lat.reserveCapacity(nq)
        let single = factory == "Flat" ? min(nq, 500) : nq
        let s0 = Date()
        for q in 0..<single {
            let t = Date()
            _ = try index.search(Array(queries[(q * d)..<((q + 1) * d)]), k: k, parameters: params)
            lat.append(Date().timeIntervalSince(t) * 1e6)
        }
        let singleQPS = Double(single) / Date().timeIntervalSince(s0)
        let b0 = Date()
        var approx: [Int64] = []
        for b in stride(from: 0, to: nq, by: 64) {
            let e = min(nq, b + 64)
            approx += try index.search(Array(queries[(b * d)..<(e * d)]), k: k, parameters: params).ids
        }
        let batchTime = Date().timeIntervalSince(b0)
        var hits = 0
        for q in 0..<nq {
            let t = Set(truth.ids[(q * k)..<((q + 1) * k)])
            hits += approx[(q * k)..<((q + 1) * k)].filter { t.contains($0) }.count
        }
        print(factory.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: " %3d  %13.0f  %13.0f  %10.0f  %16.1f  %9.0f   %.3f", omp,
                     percentile(lat, 0.5), percentile(lat, 0.99), singleQPS, batchTime * 1e6 / Double(nq),
                     Double(nq) / batchTime, Double(hits) / Double(nq * k)))
    }
    print(String(format: "  (%@ built in %.1f s)", factory as NSString, build))
}
