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
