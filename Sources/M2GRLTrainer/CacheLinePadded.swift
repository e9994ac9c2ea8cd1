/// Allocation of per-thread working memory that no other thread's data shares a cache line with.
///
/// Every worker writes its scratch vectors, sampled negatives and loss accumulators millions of
/// times a second. Allocated with plain `allocate(capacity:)` those small blocks land next to each
/// other (and next to other workers' blocks) in the heap, so two threads writing "their own" memory
/// bounce the same cache lines between cores (false sharing): that cost the 2-thread trainer about
/// 40% of its per-core speed. These blocks are aligned to and padded out to whole 128-byte units
/// (two 64-byte lines, covering the adjacent-line prefetcher).
enum CacheLinePadded {
    /// Bytes per unit of alignment and padding.
    static let unit = 128

    /// `count` uninitialized elements starting on a 128-byte boundary, with the block padded to a
    /// multiple of 128 bytes. Free with `deallocate(_:)`.
    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(1, count * MemoryLayout<T>.stride)
        let padded = (bytes + unit - 1) / unit * unit
        let raw = UnsafeMutableRawPointer.allocate(byteCount: padded, alignment: max(unit, MemoryLayout<T>.alignment))
        return raw.bindMemory(to: T.self, capacity: count)
    }

    /// Frees a block from `allocate(_:count:)`.
    static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>) {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
