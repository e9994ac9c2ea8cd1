import Foundation
@testable import M2GRLDiversity
import M2GRLCore
import Testing

/// Maximum inner product over the augmented vectors must equal the weighted-distance ranking.
@Suite struct ServingRankingTests {
    static let p = 4, d = 6

    static func setup(seed: UInt64) throws -> (DiversityMetricModel, DiversityFeatures) {
        var rng = SeededGenerator(seed: seed)
        let n = 80
        let items = (0..<(n * d)).map { _ in Float(rng.nextGaussian()) }
        let table = EmbeddingTable(name: "item", dimension: d, ids: (0..<n).map { "x\($0)" }, values: items)
        let w = try Fixtures.randomMatrix(rows: d, columns: d, seed: seed + 1)
        let features = try DiversityFeatures(itemTable: table, alignment: w)
        let model = try DiversityMetricModel(itemFactor: Fixtures.randomMatrix(rows: p, columns: d, seed: seed + 2),
                                             relationalFactor: Fixtures.randomMatrix(rows: p, columns: d, seed: seed + 3, scale: 3),
                                             alignment: w)
        return (model, features)
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func innerProductRankingEqualsWeightedDistanceRanking(seed: UInt64) throws {
        let (model, features) = try Self.setup(seed: seed)
        let stored = try model.storedVectors(for: features)
        #expect(stored.kind == .metric)
        #expect(stored.name == "diversity")
        #expect(stored.dimension == 2 * Self.p + 2)
        let queries = try model.queryTable(for: features)
        #expect(queries.dimension == 2 * Self.p)
        let ranking = try WeightedDistanceRanking(model: model, features: features)
        var rng = SeededGenerator(seed: seed + 100)
        var weightSets = [DiversityWeights(), DiversityWeights(item: 1, relational: -1), DiversityWeights(item: 1, relational: 0)]
        for _ in 0..<5 {
            weightSets.append(DiversityWeights(item: Float.random(in: 0...2, using: &rng), relational: Float.random(in: -2...2, using: &rng)))
        }
        for weights in weightSets {
            for a in [0, 17, 42, 79] {
                let reference = try ranking.rank(a, weights: weights, k: 20)
                // Query built from the item vector alone (recomputing σ(W·e_i)), and from the lookup table.
                let q1 = try model.queryVector(forItemVector: Array(features.itemVector(a)), weights: weights)
                let q2 = try DiversityMetricModel.queryVector(fromProjected: queries.row(a), weights: weights)
                for q in [q1, q2] {
                    let served = try BruteForceInnerProduct.search(q, in: stored.values, dimension: stored.dimension, k: 20, excluding: [a])
                    #expect(served.count == reference.count)
                    for (s, r) in zip(served, reference) where s.row != r.row {
                        // Only a near-tie may swap: the two rows' weighted distances must agree.
                        let (di, dic) = try ranking.distances(a, s.row)
                        let gap = abs(weights.combine(item: di, relational: dic) - r.weighted)
                        #expect(gap <= 1e-4 * max(1, abs(r.weighted)), "rank differs at row \(s.row) vs \(r.row) for \(weights)")
                    }
                    // Exact ids for the clear majority.
                    let same = zip(served, reference).filter { $0.0.row == $0.1.row }.count
                    #expect(same >= reference.count - 2)
                }
            }
        }
    }

    @Test func innerProductEqualsNegatedWeightedDistancePlusQueryConstant() throws {
        let (model, features) = try Self.setup(seed: 5)
        let stored = try model.storedVectors(for: features)
        let ranking = try WeightedDistanceRanking(model: model, features: features)
        let w = DiversityWeights(item: 0.7, relational: -1.3)
        let q = try model.queryVector(forItemVector: Array(features.itemVector(3)), weights: w)
        func ip(_ b: Int) -> Double { (0..<stored.dimension).reduce(0) { $0 + Double(q[$1]) * Double(stored.values[b * stored.dimension + $1]) } }
        let (di5, dic5) = try ranking.distances(3, 5)
        let (di9, dic9) = try ranking.distances(3, 9)
        // q·z_5 − q·z_9 = −(wd(3,5) − wd(3,9)).
        let lhs = ip(5) - ip(9)
        let rhs = -(w.combine(item: di5, relational: dic5) - w.combine(item: di9, relational: dic9))
        #expect(abs(lhs - rhs) <= 1e-3 * max(1, abs(rhs)))
    }

    @Test func distancesAgreeAcrossEntryPoints() throws {
        let (model, features) = try Self.setup(seed: 8)
        let ranking = try WeightedDistanceRanking(model: model, features: features)
        let a = try model.distances(2, 7, in: features)
        let b = try ranking.distances(2, 7)
        let c = try model.distances(itemVector: Array(features.itemVector(2)), itemVector: Array(features.itemVector(7)))
        for (x, y) in [(a.item, b.item), (a.relational, b.relational), (a.item, c.item), (a.relational, c.relational)] {
            #expect(abs(x - y) <= 1e-4 * max(1, x))
        }
        #expect(a.item > 0 && a.relational > 0)
    }

    @Test func normalisedItemInputsServeConsistently() throws {
        var rng = SeededGenerator(seed: 21)
        let n = 30, d = Self.d
        let items = (0..<(n * d)).map { _ in Float(rng.nextGaussian() * 3) }
        let table = EmbeddingTable(name: "item", dimension: d, ids: (0..<n).map { "x\($0)" }, values: items)
        let w = try Fixtures.randomMatrix(rows: d, columns: d, seed: 22)
        let features = try DiversityFeatures(itemTable: table, alignment: w, normalizeItems: true)
        for r in 0..<n {
            let norm = features.itemVector(r).reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - 1) < 1e-5)
        }
        let raw = try DiversityFeatures(itemTable: table, alignment: w)
        #expect(raw.relational == features.relational)  // e_ic always from the raw e_i
        let model = try DiversityMetricModel(itemFactor: Fixtures.randomMatrix(rows: Self.p, columns: d, seed: 23),
                                             relationalFactor: Fixtures.randomMatrix(rows: Self.p, columns: d, seed: 24),
                                             alignment: w, normalizesItems: true)
        let queries = try model.queryTable(for: features)
        let weights = DiversityWeights(item: 2, relational: -0.5)
        for r in [0, 7, 29] {
            let fromItem = try model.queryVector(forItemVector: Array(table.row(r)), weights: weights)
            let fromRow = try DiversityMetricModel.queryVector(fromProjected: queries.row(r), weights: weights)
            for (x, y) in zip(fromItem, fromRow) { #expect(abs(x - y) <= 1e-4 * max(1, abs(y))) }
        }
        let decoded = try JSONDecoder().decode(DiversityMetricModel.self, from: JSONEncoder().encode(model))
        #expect(decoded.normalizesItems && decoded == model)
    }

    @Test func badQueriesGiveTypedErrors() throws {
        let (model, _) = try Self.setup(seed: 9)
        #expect(throws: DiversityError.self) { try model.queryVector(forItemVector: [1, 2, 3]) }
        #expect(throws: DiversityError.self) { try DiversityMetricModel.queryVector(fromProjected: [Float](repeating: 0, count: 3)) }
        #expect(throws: DiversityError.self) {
            try DiversityMetricModel.queryVector(fromProjected: [Float](repeating: 0, count: 8), weights: DiversityWeights(item: .nan))
        }
    }
}
