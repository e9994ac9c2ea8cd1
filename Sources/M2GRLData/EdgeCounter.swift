/// Counts directed edges `source → target` (dense ids) in an open-addressing hash table.
struct EdgeCounter {
    private var keys: [UInt64]
    private var counts: [Int64]
    private var mask: Int
    private(set) var distinct = 0
    private static let empty = UInt64.max

    /// `expected` distinct edges fit without growing.
    init(expected: Int = 512) {
        var size = 1024
        while size * 3 < expected * 4 && size < 1 << 30 { size <<= 1 }  // load ≤ 0.75
        keys = [UInt64](repeating: Self.empty, count: size)
        counts = [Int64](repeating: 0, count: size)
        mask = size - 1
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
                if distinct * 4 > (mask + 1) * 3 { grow() }
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
        // Sort the occupied slots' keys (a primitive sort), then fetch each key's count.
        var sortedKeys: [UInt64] = []
        sortedKeys.reserveCapacity(distinct)
        for i in 0..<keys.count where keys[i] != Self.empty { sortedKeys.append(keys[i]) }
        Self.radixSort(&sortedKeys)
        return sortedKeys.map { key in
            Edge(source: Int32(truncatingIfNeeded: key >> 32), target: Int32(truncatingIfNeeded: key), count: count(of: key))
        }
    }

    /// LSD radix sort of 64-bit keys, 11 bits a pass, skipping passes above the largest key.
    static func radixSort(_ keys: inout [UInt64]) {
        guard keys.count > 1, let largest = keys.max() else { return }
        let bits = 64 - largest.leadingZeroBitCount
        var scratch = [UInt64](repeating: 0, count: keys.count)
        var shift: UInt64 = 0
        while shift < UInt64(bits) {
            var counts = [Int](repeating: 0, count: 2049)
            keys.withUnsafeBufferPointer { source in
                for k in source { counts[Int((k >> shift) & 0x7FF) + 1] += 1 }
                for b in 0..<2048 { counts[b + 1] += counts[b] }
                scratch.withUnsafeMutableBufferPointer { target in
                    for k in source {
                        let b = Int((k >> shift) & 0x7FF)
                        target[counts[b]] = k
                        counts[b] += 1
                    }
                }
            }
            swap(&keys, &scratch)
            shift += 11
        }
    }

    /// The count of an edge key (0 when absent).
    private func count(of key: UInt64) -> Int64 {
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while true {
            let k = keys[slot]
            if k == key { return counts[slot] }
            if k == Self.empty { return 0 }
            slot = (slot + 1) & mask
        }
    }
}
