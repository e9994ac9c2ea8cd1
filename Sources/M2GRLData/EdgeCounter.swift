/// Counts directed edges `source → target` (dense ids) in an open-addressing hash table.
struct EdgeCounter {
    private var keys: [UInt64]
    private var counts: [Int64]
    private var mask: Int
    private(set) var distinct = 0
    private static let empty = UInt64.max

    init() {
        keys = [UInt64](repeating: Self.empty, count: 1024)
        counts = [Int64](repeating: 0, count: 1024)
        mask = 1023
    }

    /// Adds one occurrence of `source → target`.
    @inline(__always)
    mutating func add(_ source: Int32, _ target: Int32) {
        let key = UInt64(UInt32(bitPattern: source)) << 32 | UInt64(UInt32(bitPattern: target))
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while true {
            let k = keys[slot]
            if k == key { counts[slot] += 1; return }
            if k == Self.empty {
                keys[slot] = key
                counts[slot] = 1
                distinct += 1
                if distinct * 2 > mask { grow() }
                return
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldCounts = counts
        let size = (mask + 1) * 2
        keys = [UInt64](repeating: Self.empty, count: size)
        counts = [Int64](repeating: 0, count: size)
        mask = size - 1
        for i in 0..<oldKeys.count where oldKeys[i] != Self.empty {
            var slot = Int(truncatingIfNeeded: (oldKeys[i] &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
            while keys[slot] != Self.empty { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[i]
            counts[slot] = oldCounts[i]
        }
    }

    /// The edges sorted by (source, target).
    func edges() -> [Edge] {
        var pairs: [(UInt64, Int64)] = []
        pairs.reserveCapacity(distinct)
        for i in 0..<keys.count where keys[i] != Self.empty { pairs.append((keys[i], counts[i])) }
        pairs.sort { $0.0 < $1.0 }
        return pairs.map { Edge(source: Int32(truncatingIfNeeded: $0.0 >> 32), target: Int32(truncatingIfNeeded: $0.0), count: $0.1) }
    }
}
