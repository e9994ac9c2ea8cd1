import Foundation

/// Deterministic random vectors for tests (splitmix64).
struct TestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }

    /// `n × d` vectors around `clusters` random centres.
    mutating func clustered(n: Int, d: Int, clusters: Int = 20, spread: Float = 0.3) -> [Float] {
        let centres = (0..<(clusters * d)).map { _ in uniform() }
        var out = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let c = Int(next() % UInt64(clusters))
            for j in 0..<d { out[i * d + j] = centres[c * d + j] + spread * uniform() }
        }
        return out
    }
}

/// Exact top-k by inner product; ties by ascending id.
func bruteForce(base: [Float], ids: [Int64], queries: [Float], d: Int, k: Int) -> [[(Int64, Float)]] {
    let n = ids.count
    return stride(from: 0, to: queries.count, by: d).map { qo in
        var scored: [(Int64, Float)] = (0..<n).map { i in
            var s: Float = 0
            for j in 0..<d { s += base[i * d + j] * queries[qo + j] }
            return (ids[i], s)
        }
        scored.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return Array(scored.prefix(k))
    }
}

func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("vi-\(UUID().uuidString)-\(name)")
}
