@testable import M2GRLDiversity
import M2GRLCore
import M2GRLData
import Testing

@Suite struct PairSamplerTests {
    // Items 1…5 with categories 1,1,2,3,0 (item 5 unknown); item 4 has no vector.
    static let category: [Int32] = [0, 1, 1, 2, 3, 0]
    static let available = [false, true, true, true, false, true]

    @Test func positivesRespectWindowCategoryAndAvailability() throws {
        let sessions = SequenceSet([[1, 2, 3, 4, 5, 1], [3, 1]])
        let s = try PairSampler(sessions: sessions, categoryOfItem: Self.category, available: Self.available, window: 2)
        let pairs = Set(s.positives.map { [min($0.a, $0.b), max($0.a, $0.b)] })
        // Session 1: (1,3) within 2; (2,3) within 1; (3,1) via the trailing 1 is 3 positions away; 4 unavailable; 5 unknown category.
        // Session 2: (3,1) again — deduplicated.
        #expect(pairs == [[1, 3], [2, 3]])
        #expect(s.positives.count == 2)
        #expect(s.positives.allSatisfy { $0.positive })
        let all = try PairSampler(sessions: sessions, categoryOfItem: Self.category, available: Self.available, window: 2, deduplicate: false)
        #expect(all.positives.count == 3)
    }

    @Test func negativesAreDistinctAvailableAndSeeded() throws {
        let s = try PairSampler(sessions: SequenceSet([[1, 3]]), categoryOfItem: Self.category, available: Self.available, window: 1)
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let n1 = s.negatives(count: 200, using: &r1), n2 = s.negatives(count: 200, using: &r2)
        #expect(n1 == n2)
        #expect(n1.allSatisfy { !$0.positive && $0.a != $0.b && Self.available[Int($0.a)] && Self.available[Int($0.b)] })
        #expect(Set(n1.map(\.a)) == [1, 2, 3, 5])
    }

    @Test func matchedNegativesFollowThePositivesMarginal() throws {
        // Positives (1,3) ×3 sessions and (2,3) once, not deduplicated: ends 1,3,1,3,1,3,2,3.
        let sessions = SequenceSet([[1, 3], [1, 3], [1, 3], [2, 3]])
        let s = try PairSampler(sessions: sessions, categoryOfItem: Self.category, available: Self.available, window: 1, deduplicate: false)
        var rng = SeededGenerator(seed: 2)
        let negatives = s.negatives(count: 4000, sampling: .matched, using: &rng)
        #expect(negatives.count == 4000)
        #expect(negatives.allSatisfy { !$0.positive && $0.a != $0.b })
        let ends = negatives.flatMap { [$0.a, $0.b] }
        #expect(!ends.contains(5))  // never a positive's end
        let share2 = Double(ends.filter { $0 == 2 }.count) / Double(ends.count)
        #expect(share2 > 0.15 && share2 < 0.22)  // 2 is 1/8 of the ends; 7/38 ≈ 0.184 after rejecting a == b
    }

    @Test func badArgumentsAreTypedErrors() {
        #expect(throws: DiversityError.self) {
            try PairSampler(sessions: SequenceSet(), categoryOfItem: Self.category, available: Self.available, window: 0)
        }
        #expect(throws: DiversityError.self) {
            try PairSampler(sessions: SequenceSet(), categoryOfItem: Self.category, available: [false, true], window: 1)
        }
    }
}
