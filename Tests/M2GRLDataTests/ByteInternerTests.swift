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

    @Test func countsEdgesAcrossGrowth() {
        var counter = EdgeCounter(expected: 1)
        for i in 0..<3_000 { for _ in 0..<(i % 3 + 1) { counter.add(Int32(i % 1_000 + 1), Int32(i / 1_000 + 1)) } }
        let edges = counter.edges()
        #expect(edges.count == 3_000)
        #expect(edges.map(\.count).reduce(0, +) == 6_000)
        #expect(zip(edges, edges.dropFirst()).allSatisfy { ($0.source, $0.target) < ($1.source, $1.target) })
    }
}
