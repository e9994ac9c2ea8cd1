import Foundation
import Testing
@testable import VectorIndex

@Suite struct FlatSearchTests {
    @Test(arguments: [1, 10, 100], [1, 64])
    func flatEqualsBruteForce(k: Int, batch: Int) throws {
        var rng = TestRNG(seed: UInt64(k * 1000 + batch))
        let d = 16, n = 500
        let base = rng.clustered(n: n, d: d)
        let ids = (0..<n).map { Int64($0 * 7 + 3) }
        let index = try VectorIndex(factory: "Flat", dimension: d)
        try index.add(base, ids: ids)
        let queries = (0..<(batch * d)).map { _ in rng.uniform() }
        let result = try index.search(queries, k: k)
        #expect(result.queryCount == batch && result.k == k)
        let expected = bruteForce(base: base, ids: ids, queries: queries, d: d, k: k)
        for q in 0..<batch {
            let got = result.neighbors(ofQuery: q)
            #expect(got.count == k)
            for (g, e) in zip(got, expected[q]) {
                #expect(abs(g.score - e.1) <= 1e-4 * max(1, abs(e.1)))
                // Ids must match except where two scores tie within float tolerance.
                if g.id != e.0 {
                    let gs = expected[q].first { $0.0 == g.id }?.1
                    #expect(gs != nil && abs(gs! - e.1) <= 1e-4)
                }
            }
        }
    }

    @Test func kLargerThanCountIsCapped() throws {
        let index = try VectorIndex(factory: "Flat", dimension: 2)
        try index.add([1, 0, 0, 1, 1, 1], ids: [1, 2, 3])
        let r = try index.search([1, 0.5], k: 1_000_000_000)
        #expect(r.k == 3)
        #expect(r.neighbors(ofQuery: 0).map(\.id) == [3, 1, 2])
    }
}

@Suite struct ApproximateIndexTests {
    static let d = 32, n = 20_000

    static func recallAt10(_ index: VectorIndex, parameters: SearchParameters) throws -> Double {
        var rng = TestRNG(seed: 99)
        let base = rng.clustered(n: n, d: d, clusters: 50)
        let ids = (0..<n).map { Int64($0) }
        let flat = try VectorIndex(factory: "Flat", dimension: d)
        try flat.add(base, ids: ids)
        if !index.isTrained { try index.train(base) }
        try index.add(base, ids: ids)
        // Queries come from the data distribution, as item-to-item queries do.
        let queries = (0..<(200 * d)).map { base[($0 / d) * 97 * d + $0 % d] + 0.05 * rng.uniform() }
        let exact = try flat.search(queries, k: 10)
        let approx = try index.search(queries, k: 10, parameters: parameters)
        var hits = 0
        for q in 0..<200 {
            let truth = Set(exact.neighbors(ofQuery: q).map(\.id))
            hits += approx.neighbors(ofQuery: q).filter { truth.contains($0.id) }.count
        }
        return Double(hits) / 2000
    }

    @Test func hnswRecallFloor() throws {
        let index = try VectorIndex(factory: "HNSW32", dimension: Self.d)
        try index.setParameter("efConstruction", 40)
        #expect(index.kind == .hnsw)
        let recall = try Self.recallAt10(index, parameters: SearchParameters(efSearch: 128))
        #expect(recall >= 0.9, "HNSW recall@10 = \(recall)")
    }

    @Test func ivfRecallFloor() throws {
        let index = try VectorIndex(factory: "IVF64,Flat", dimension: Self.d)
        #expect(index.kind == .ivf && !index.isTrained)
        let recall = try Self.recallAt10(index, parameters: SearchParameters(nprobe: 16))
        #expect(recall >= 0.9, "IVF recall@10 = \(recall)")
        // A single probe must do worse than 16: the parameter really reaches Faiss.
        let low = try index.search(TestRNG(seed: 5).clusteredQueries(d: Self.d), k: 10, parameters: SearchParameters(nprobe: 1))
        #expect(low.queryCount == 1)
    }

    @Test func perCallEfSearchReachesHNSW() throws {
        var rng = TestRNG(seed: 4)
        let base = rng.clustered(n: 4_000, d: 16, clusters: 4, spread: 1.0)
        let index = try VectorIndex(factory: "HNSW8", dimension: 16)
        try index.setParameter("efConstruction", 16)
        try index.add(base, ids: (0..<4_000).map { Int64($0) })
        let flat = try VectorIndex(factory: "Flat", dimension: 16)
        try flat.add(base, ids: (0..<4_000).map { Int64($0) })
        let queries = Array(base.prefix(200 * 16)).map { $0 + 0.1 }
        let truth = try flat.search(queries, k: 10)
        func recall(_ r: SearchResult) -> Int {
            (0..<200).reduce(0) { acc, q in
                let t = Set(truth.ids[(q * 10)..<((q + 1) * 10)])
                return acc + r.ids[(q * 10)..<((q + 1) * 10)].filter { t.contains($0) }.count
            }
        }
        let low = recall(try index.search(queries, k: 10, parameters: SearchParameters(efSearch: 10)))
        let high = recall(try index.search(queries, k: 10, parameters: SearchParameters(efSearch: 400)))
        #expect(high > low, "efSearch 400 recall \(high) vs efSearch 10 recall \(low)")
        #expect(index.parameter("efSearch") == 16, "the index default is restored")
    }

    @Test func perCallParametersChangeResults() throws {
        var rng = TestRNG(seed: 3)
        let base = rng.clustered(n: 5_000, d: 16, clusters: 40)
        let index = try VectorIndex(factory: "IVF32,Flat", dimension: 16)
        try index.train(base)
        try index.add(base, ids: (0..<5_000).map { Int64($0) })
        let queries = Array(base.prefix(100 * 16))
        let all = try index.search(queries, k: 10, parameters: SearchParameters(nprobe: 32))
        let one = try index.search(queries, k: 10, parameters: SearchParameters(nprobe: 1))
        #expect(all != one)
        #expect(index.parameter("nlist") == 32)
    }
}

extension TestRNG {
    func clusteredQueries(d: Int) -> [Float] {
        var r = self
        return (0..<d).map { _ in r.uniform() }
    }
}
