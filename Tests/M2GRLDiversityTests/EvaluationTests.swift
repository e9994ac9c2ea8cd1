@testable import M2GRLDiversity
import M2GRLCore
import M2GRLData
import Testing

/// The EVALUATION.md "Diversity" metrics on hand-checked cases.
@Suite struct EvaluationTests {
    // Items 1…6; categories: 1,2 → A(1); 3,4 → B(2); 5 → C(3); 6 → unknown(0).
    static let category: [Int32] = [0, 1, 1, 2, 2, 3, 0]

    @Test func handComputedMetrics() throws {
        let users = [
            // Train in A; held out: 3 (B, new), 5 (C, new), 2 (A), one cold item → heldOutCount 4.
            UserHistory(user: "u1", trainItems: [2, 1], heldOutItems: [3, 5, 2, 0], heldOutCount: 4),
            // Train in B; held out: 1 (A, new).
            UserHistory(user: "u2", trainItems: [4], heldOutItems: [1], heldOutCount: 1),
            // No held-out items: skipped.
            UserHistory(user: "u3", trainItems: [1], heldOutItems: [], heldOutCount: 0),
        ]
        // A fixed ranking that starts with the user's own items (they must be filtered out).
        let retrieve: (Int32, Int) throws -> [Int32] = { trigger, count in
            #expect(count >= 2)
            return trigger == 1 ? [1, 2, 3, 6, 4, 5] : [4, 2, 6, 1]
        }
        let r = try DiversityEvaluation.evaluate(users: users, categoryOfItem: Self.category, k: 2, retrieve: retrieve)
        // u1: top-2 after removing 1, 2 → [3, 6]; hits {3}; recall 1/4; new-category share: 3 is new (B), 6 unknown → 1/2;
        //     discovery items {3, 5} → 1/2.
        // u2: top-2 after removing 4 → [2, 6]; hits none; recall 0; share: 2 is A (new) → 1/2; discovery {1} → 0.
        #expect(r.recall.users == 2)
        #expect(abs(r.recall.mean - 0.125) < 1e-12)
        #expect(abs(r.hitRate.mean - 0.5) < 1e-12)
        #expect(abs(r.newCategoryShare.mean - 0.5) < 1e-12)
        #expect(abs(r.discoveryRecall.mean - 0.25) < 1e-12)
        #expect(abs(r.recall.standardError - 0.125) < 1e-12)  // sd of {0.25, 0} = 0.1768; /√2
    }

    @Test func rankingRetrievalsRunEndToEnd() throws {
        let toy = try Fixtures.planted()
        let sampler = try PairSampler(sessions: toy.sessions, categoryOfItem: toy.categoryOfItem, available: toy.features.available, window: 2)
        var rng = SeededGenerator(seed: 1)
        let model = try DiversityTrainer(configuration: TrainingTests.configuration(epochs: 0))
            .initialModel(features: toy.features, sampler: sampler, alignment: toy.alignment, rng: &rng)
        let ranking = try WeightedDistanceRanking(model: model, features: toy.features)
        var users: [UserHistory] = []
        for u in Int32(1)...10 {
            users.append(UserHistory(user: "\(u)", trainItems: [u, u + 10], heldOutItems: [u + 20, u + 30], heldOutCount: 2))
        }
        for retrieval in [DiversityEvaluation.metricRetrieval(ranking, weights: DiversityWeights(item: 1, relational: -1)),
                          DiversityEvaluation.itemInnerProductRetrieval(toy.features)] {
            let r = try DiversityEvaluation.evaluate(users: users, categoryOfItem: toy.categoryOfItem, k: 5, retrieve: retrieval)
            #expect(r.recall.users == 10)
            #expect(r.newCategoryShare.users == 10)
            #expect(r.recall.mean >= 0 && r.recall.mean <= 1)
        }
        // Unknown triggers give empty lists, never a crash.
        #expect(try DiversityEvaluation.metricRetrieval(ranking, weights: DiversityWeights())(0, 5).isEmpty)
    }

    @Test func zeroKIsATypedError() {
        #expect(throws: DiversityError.self) {
            try DiversityEvaluation.evaluate(users: [], categoryOfItem: [], k: 0) { _, _ in [] }
        }
    }
}
