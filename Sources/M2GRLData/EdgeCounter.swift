/// Counts the directed edges `source → target` between consecutive tokens of flat sequences by
/// sorting packed `(source, target)` keys and run-length counting them.
///
/// A sort streams through memory (a few radix passes over the keys), where a hash table of
/// distinct edges would take one cache miss per token: ~10× slower for millions of item edges.
enum EdgeCounter {
    /// The edges of `tokens` split by `offsets` (sequence `i` = `tokens[offsets[i]..<offsets[i+1]]`),
    /// sorted by (source, target), with their multiplicity; `occurrences` = consecutive pairs.
    /// Tokens are dense ids in `0..<nodeCount`. `checkpoint` runs every 65,536 sequences and
    /// between sort passes (`prepare` checks for SIGINT there).
    static func count(tokens: [Int32], offsets: [Int], nodeCount: Int,
                      checkpoint: () throws -> Void) rethrows -> (edges: [Edge], occurrences: Int64) {
        let sequences = offsets.count - 1
        let pairs = tokens.count - sequences  // sequences are non-empty
        guard sequences > 0, pairs > 0 else { return ([], 0) }
        let bits = max(1, 64 - UInt64(max(nodeCount - 1, 1)).leadingZeroBitCount)
        let keys = HugePageMemory.allocateZeroed(UInt64.self, count: pairs)
        defer { HugePageMemory.deallocate(keys, count: pairs) }
        var n = 0
        try tokens.withUnsafeBufferPointer { tokens in
            try offsets.withUnsafeBufferPointer { offsets in
                for s in 0..<sequences {
                    if s & 0xFFFF == 0 { try checkpoint() }
                    var i = offsets[s] + 1
                    let end = offsets[s + 1]
                    while i < end {
                        keys[n] = UInt64(UInt32(bitPattern: tokens[i - 1])) << UInt64(bits) | UInt64(UInt32(bitPattern: tokens[i]))
                        n += 1
                        i += 1
                    }
                }
            }
        }
        precondition(n == pairs, "EdgeCounter: empty sequence in input")
        try radixSort(UnsafeMutableBufferPointer(start: keys, count: n), keyBits: 2 * bits, checkpoint: checkpoint)
        try checkpoint()
        // Run-length count.
        var edges: [Edge] = []
        var distinct = 1
        for i in 1..<n where keys[i] != keys[i - 1] { distinct += 1 }
        edges.reserveCapacity(distinct)
        let mask = UInt64(1) << UInt64(bits) - 1
        var i = 0
        while i < n {
            let key = keys[i]
            var j = i + 1
            while j < n && keys[j] == key { j += 1 }
            edges.append(Edge(source: Int32(truncatingIfNeeded: key >> UInt64(bits)), target: Int32(truncatingIfNeeded: key & mask),
                              count: Int64(j - i)))
            i = j
        }
        return (edges, Int64(n))
    }

    /// LSD radix sort of keys below `2^keyBits`: as few passes of ≤ 11-bit digits as cover the
    /// bits, all digit histograms gathered in one read. `checkpoint` runs before each pass.
    static func radixSort(_ keys: UnsafeMutableBufferPointer<UInt64>, keyBits: Int,
                          checkpoint: () throws -> Void) rethrows {
        let n = keys.count
        guard n > 1, keyBits > 0 else { return }
        let passes = (keyBits + 10) / 11
        let width = (keyBits + passes - 1) / passes
        let buckets = 1 << width
        let digitMask = UInt64(buckets - 1)
        var histograms = [Int](repeating: 0, count: passes * buckets)
        histograms.withUnsafeMutableBufferPointer { h in
            for k in keys {
                for p in 0..<passes { h[p * buckets + Int((k >> UInt64(p * width)) & digitMask)] += 1 }
            }
        }
        let scratch = HugePageMemory.allocateZeroed(UInt64.self, count: n)
        defer { HugePageMemory.deallocate(scratch, count: n) }
        var source = keys.baseAddress!, target = scratch
        for p in 0..<passes {
            try checkpoint()
            let shift = UInt64(p * width)
            var next = [Int](repeating: 0, count: buckets)
            var sum = 0
            for b in 0..<buckets { next[b] = sum; sum += histograms[p * buckets + b] }
            if histograms[p * buckets + Int((source[0] >> shift) & digitMask)] == n { continue }  // one bucket: order kept
            next.withUnsafeMutableBufferPointer { next in
                for i in 0..<n {
                    let k = source[i]
                    let b = Int((k >> shift) & digitMask)
                    target[next[b]] = k
                    next[b] += 1
                }
            }
            swap(&source, &target)
        }
        if source != keys.baseAddress! { keys.baseAddress!.update(from: source, count: n) }
    }

    /// Sorts an array of keys (any 64-bit values).
    static func radixSort(_ keys: inout [UInt64]) {
        guard let largest = keys.max() else { return }
        let bits = 64 - largest.leadingZeroBitCount
        keys.withUnsafeMutableBufferPointer { radixSort($0, keyBits: bits, checkpoint: {}) }
    }
}
