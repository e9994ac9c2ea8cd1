import M2GRLCore
import Testing
@testable import M2GRLData

/// The byte-string interner behind the parser: ids in first-seen order, short and long keys, growth.
@Suite struct ByteInternerTests {
    @Test func internsShortLongAndEmptyKeysAcrossGrowth() {
        let interner = ByteInterner(expectedCount: 4)
        let keys = (0..<20_000).map { k in k % 3 == 0 ? "k\(k)" : (k % 3 == 1 ? "a-much-longer-key-\(k)" : "\(k)é") } + [""]
        for (k, key) in keys.enumerated() { #expect(interner.intern(key) == Int32(k)) }
        #expect(interner.count == keys.count)
        for (k, key) in keys.enumerated().reversed() {
            var isNew = true
            var bytes = key
            let id = bytes.withUTF8 { interner.intern(ByteField($0), isNew: &isNew) }
            #expect(id == Int32(k) && !isNew)
            #expect(interner.lookup(key) == Int32(k))
            #expect(interner.string(Int32(k)) == key)
        }
        #expect(interner.lookup("absent") == nil)
        // Keys differing only in length or trailing zero bytes stay distinct.
        let z = ByteInterner()
        #expect(z.intern("a") != z.intern("a\u{0}"))
        #expect(z.intern("12345678") != z.intern("123456789"))
    }
}

/// The edge counter's key sort.
@Suite struct EdgeCounterTests {
    @Test func radixSortMatchesStandardSort() {
        var rng = SplitMix64(seed: 9)
        for n in [0, 1, 2, 100, 5_000] {
            var keys = (0..<n).map { _ in rng.next() >> UInt64(rng.below(64)) }
            let expected = keys.sorted()
            EdgeCounter.radixSort(&keys)
            #expect(keys == expected)
        }
    }

    @Test func countsEdgesLikeADictionary() {
        var rng = SplitMix64(seed: 4)
        for nodeCount in [2, 3, 1_000, 70_000] {
            var sequences: [[Int32]] = []
            var expected: [Int64: Int64] = [:]
            for _ in 0..<300 {
                let s = (0..<(1 + rng.below(12))).map { _ in Int32(1 + rng.below(nodeCount - 1)) }
                for (a, b) in zip(s, s.dropFirst()) { expected[Int64(a) << 32 | Int64(b), default: 0] += 1 }
                sequences.append(s)
            }
            let set = SequenceSet(sequences)
            let (edges, occurrences) = EdgeCounter.count(tokens: set.tokens, offsets: set.offsets, nodeCount: nodeCount, checkpoint: {})
            #expect(occurrences == Int64(set.tokens.count - set.count))
            #expect(edges.count == expected.count)
            #expect(zip(edges, edges.dropFirst()).allSatisfy { ($0.source, $0.target) < ($1.source, $1.target) })
            #expect(edges.allSatisfy { expected[Int64($0.source) << 32 | Int64($0.target)] == $0.count })
        }
        #expect(EdgeCounter.count(tokens: [5], offsets: [0, 1], nodeCount: 6, checkpoint: {}).edges.isEmpty)
    }
}
