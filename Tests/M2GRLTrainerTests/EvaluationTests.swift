import Foundation
import M2GRLCore
import M2GRLData
import Testing
@testable import M2GRLTrainer

/// The protocol on a case small enough to compute by hand.
@Suite struct EvaluationTests {
    /// Items 1…5 (dense = external). Vectors are 1-d so scores are products.
    static func dataset(users: [UserHistory]) -> PreparedDataset {
        PreparedDataset(views: [ViewData(name: "item", vocabulary: ["", "1", "2", "3", "4", "5"], counts: [0, 5, 4, 3, 2, 1],
                                         sequences: SequenceSet([[1, 2, 3], [2, 4], [1, 3, 5]]), edges: [])],
                        relations: [], users: users, items: [])
    }

    @Test func handComputedMetrics() throws {
        let users = [
            // trigger 1 (last train item); excluded 1, 2. Scores: item i scores v(1)·v(i).
            UserHistory(user: "a", trainItems: [2, 1], heldOutItems: [3, 0], heldOutCount: 2),
            UserHistory(user: "b", trainItems: [5], heldOutItems: [4], heldOutCount: 1),
            UserHistory(user: "c", trainItems: [3], heldOutItems: [], heldOutCount: 0),  // not evaluated
        ]
        let ds = Self.dataset(users: users)
        // Table ids in scrambled order; "10" is an item the dataset lacks (still a candidate).
        let table = EmbeddingTable(name: "item", dimension: 1, ids: ["3", "1", "4", "2", "5", "10"],
                                   values: [2, 1, 2, 9, -1, 1])
        let ev = try RetrievalEvaluator(dataset: ds, k: 2, triggers: 1)
        let r = ev.evaluate(table: table)
        // a: candidates 3 (2), 4 (2), 5 (-1), 10 (1) → top-2 = 3, 4 (tie by id) → hit 3: recall 1/2.
        // b: trigger 5 (v = -1): 3 (-2), 4 (-2), 1 (-1), 2 (-9), 10 (-1) → top-2 = 1, 10 → no hit.
        #expect(r.users == ["a", "b"])
        #expect(r.hit == [1, 0])
        #expect(r.recall == [0.5, 0])
        #expect(r.precision == [0.5, 0])
        #expect(r.hitRate == 0.5)
        #expect(r.recallMean == 0.25)
        #expect(abs(r.f1 - 2 * 0.25 * 0.25 / 0.5) < 1e-12)
        #expect(abs(r.recallSE - 0.25) < 1e-12)  // sd of {0.5, 0} = 0.3536, / √2
        // Three triggers: a's mean of 2 and 1 → v = 5: top-2 = 3 (10), 4 (10), tie by id.
        let r3 = try RetrievalEvaluator(dataset: ds, k: 2, triggers: 3).evaluate(table: table)
        #expect(r3.recall == [0.5, 0])
    }

    @Test func tiesBreakByAscendingNumericId() {
        let ranks = RetrievalEvaluator.tieRanks(["10", "9", "b", "100", "a"])
        #expect(ranks == [1, 0, 4, 2, 3])
        var sel = TopKSelector(k: 3)
        let scores: [Float] = [1, 1, 1, 1, -.infinity]
        let order = scores.withUnsafeBufferPointer { s in ranks.withUnsafeBufferPointer { sel.select(scores: s, tieRank: $0) } }
        #expect(order == [1, 0, 3])
    }

    @Test func baselinesAndPairedComparison() throws {
        let users = [
            UserHistory(user: "a", trainItems: [1], heldOutItems: [3], heldOutCount: 1),
            UserHistory(user: "b", trainItems: [4], heldOutItems: [2], heldOutCount: 1),
        ]
        let ds = Self.dataset(users: users)
        let ev = try RetrievalEvaluator(dataset: ds, k: 1)
        // Popularity from train interactions: items 1 and 4 once each → ties → smallest id not excluded.
        let pop = ev.evaluate(PopularityScorer(dataset: ds))
        #expect(pop.hit == [0, 0])  // a gets 4, b gets 1
        // Item-CF: sessions {1,2,3}, {2,4}, {1,3,5}: cos(1,3) = 2/√(2·2) = 1 → a hits 3; cos(4,2) = 1/√(1·2) → b hits 2.
        let cf = ev.evaluate(ItemCFScorer(dataset: ds))
        #expect(cf.hit == [1, 1])
        let cmp = try PairedComparison(cf, pop)
        #expect(cmp.meanDifference == 1 && cmp.wins == 2 && cmp.losses == 0)
        #expect(cmp.lower == 1)
        let other = try RetrievalEvaluator(dataset: ds, k: 2).evaluate(PopularityScorer(dataset: ds))
        #expect(throws: TrainerError.self) { try PairedComparison(cf, other) }
    }
}

/// Triggers come strictly from the user's last train items (EVALUATION.md), whatever the model covers.
@Suite struct TriggerCoverageTests {
    static let users = [
        UserHistory(user: "a", trainItems: [1, 2], heldOutItems: [3], heldOutCount: 1),
        UserHistory(user: "b", trainItems: [4, 5, 1, 2], heldOutItems: [3], heldOutCount: 1),
        UserHistory(user: "c", trainItems: [], heldOutItems: [3], heldOutCount: 1),
    ]

    @Test func aLastTrainItemWithoutAVectorGivesNoQuery() throws {
        let ds = EvaluationTests.dataset(users: Self.users)
        // No vector for item 2, the last train item of a and b. Item 1 would find 3.
        let table = EmbeddingTable(name: "item", dimension: 1, ids: ["1", "3", "4", "5"], values: [1, 5, 0, 0])
        let evaluator = try RetrievalEvaluator(dataset: ds, k: 1, triggers: 1)
        let r = evaluator.evaluate(table: table)
        #expect(r.users == ["a", "b", "c"])
        #expect(r.hit == [0, 0, 0])  // before: a and b fell back to item 1 and hit 3
        #expect(r.usersWithoutTrigger == 3)
        #expect(r.coveredItems == 4 && r.datasetItems == 5)
        // The report and the stand-alone check count coverage with one implementation.
        let c = evaluator.coverage(of: table.ids + ["no-such-item", "1"])
        #expect(c.covered == r.coveredItems && c.total == r.datasetItems)
        #expect(r.metrics(prefix: "valid")["valid.users_without_trigger"] == 3)
    }

    @Test func threeTriggersAverageTheVectorsThatExist() throws {
        let ds = EvaluationTests.dataset(users: Self.users)
        // b's last 3 are 5, 1, 2: 2 lacks a vector, the mean of 5 and 1 points at 3; 4 (earlier) would point away.
        let table = EmbeddingTable(name: "item", dimension: 1, ids: ["1", "3", "4", "5"], values: [1, 5, -100, 1])
        let r = try RetrievalEvaluator(dataset: ds, k: 1, triggers: 3).evaluate(table: table)
        #expect(r.hit == [1, 1, 0])
        #expect(r.usersWithoutTrigger == 1)  // c: no train item
        #expect(r.usersWithPartialTrigger == 2)  // a: 1 of 1, 2; b: 5, 1 of 5, 1, 2
        // None of the last 3 has a vector: no query, though item 4 has one.
        let none = EmbeddingTable(name: "item", dimension: 1, ids: ["3", "4"], values: [5, -1])
        let users = [UserHistory(user: "d", trainItems: [4, 1, 2, 5], heldOutItems: [3], heldOutCount: 1)]
        let rn = try RetrievalEvaluator(dataset: EvaluationTests.dataset(users: users), k: 1, triggers: 3).evaluate(table: none)
        #expect(rn.hit == [0] && rn.usersWithoutTrigger == 1)
    }

    @Test func fullCoverageNeedsNoFallbackAndChecksRefuseEmptyCases() throws {
        let ds = EvaluationTests.dataset(users: Self.users)
        let ev = try RetrievalEvaluator(dataset: ds, k: 1)
        let full = EmbeddingTable(name: "item", dimension: 1, ids: ["1", "2", "3", "4", "5"], values: [1, 1, 5, 0, 0])
        let r = ev.evaluate(table: full)
        #expect(r.hit == [1, 1, 0] && r.usersWithoutTrigger == 1 && r.coveredItems == 5)
        #expect(try ev.requireEvaluable(ids: full.ids, label: "t") == (5, 5))
        #expect(throws: TrainerError.self) { try ev.requireEvaluable(ids: ["Comedy"], label: "category") }
        let noHeldOut = EvaluationTests.dataset(users: [UserHistory(user: "a", trainItems: [1], heldOutItems: [], heldOutCount: 0)])
        #expect { try RetrievalEvaluator(dataset: noHeldOut).requireHeldOut() } throws: { ($0 as? TrainerError)?.code == .invalidDataset }
    }
}
