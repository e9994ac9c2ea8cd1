@testable import M2GRLDiversity
import M2GRLCore
import Testing
import VectorIndex

/// The serving path for real: stored vectors in a Faiss inner-product index (as the snapshot
/// exporter builds it), queries with per-query weights, against the brute-force weighted ranking.
@Suite struct FaissServingTests {
    @Test(arguments: [UInt64(31), 32])
    func faissFlatInnerProductMatchesWeightedDistanceRanking(seed: UInt64) throws {
        let (model, features) = try ServingRankingTests.setup(seed: seed)
        let stored = try model.storedVectors(for: features)
        let queries = try model.queryTable(for: features)
        let index = try VectorIndex(factory: "Flat", dimension: stored.dimension)
        try index.add(stored.values, ids: (0..<Int64(stored.count)).map { $0 })
        let reference = try WeightedDistanceRanking(model: model, features: features)
        for weights in [DiversityWeights(), DiversityWeights(item: 1, relational: -1), DiversityWeights(item: 0.3, relational: 2.5)] {
            for a in [1, 33, 64] {
                let q = try DiversityMetricModel.queryVector(fromProjected: queries.row(a), weights: weights)
                let hits = try index.search(q, k: 21).neighbors(ofQuery: 0).map { Int($0.id) }.filter { $0 != a }.prefix(20)
                let expected = try reference.rank(a, weights: weights, k: 20)
                #expect(hits.count == expected.count)
                for (got, want) in zip(hits, expected) where got != want.row {
                    let (di, dic) = try reference.distances(a, got)
                    #expect(abs(weights.combine(item: di, relational: dic) - want.weighted) <= 1e-3 * max(1, abs(want.weighted)),
                            "Faiss returned \(got) where the reference has \(want.row) for \(weights)")
                }
            }
        }
    }
}
