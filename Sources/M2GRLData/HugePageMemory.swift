#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroed memory for large tables that are accessed at random (hash slots, per-id tables).
///
/// Blocks of 2 MiB and more are mapped anonymously and, on Linux, marked `MADV_HUGEPAGE` before
/// first touch, so the kernel backs them with transparent huge pages where it can: one TLB entry
/// covers 2 MiB instead of 4 KiB, which removes most of the page walks of a random probe into a
/// table of tens of MiB (and most of its page faults). Smaller blocks come from `calloc`.
enum HugePageMemory {
    static let hugePageBytes = 2 << 20

    /// `count` zeroed elements of `T` (a trivial type); release with `deallocate(_:count:)`.
    static func allocateZeroed<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        if bytes < hugePageBytes {
            guard let p = calloc(max(count, 1), MemoryLayout<T>.stride) else { fatalError("out of memory (\(bytes) bytes)") }
            return p.bindMemory(to: T.self, capacity: max(count, 1))
        }
        let length = roundedLength(bytes)
        let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let p, p != MAP_FAILED else { fatalError("out of memory (mmap of \(length) bytes)") }
        #if os(Linux)
        _ = madvise(p, length, MADV_HUGEPAGE)  // advisory: without THP the block still works
        #endif
        return p.bindMemory(to: T.self, capacity: count)
    }

    /// Releases a block from `allocateZeroed` (same `count`).
    static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        if bytes < hugePageBytes {
            free(pointer)
        } else {
            munmap(pointer, roundedLength(bytes))
        }
    }

    private static func roundedLength(_ bytes: Int) -> Int {
        (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes
    }
}
