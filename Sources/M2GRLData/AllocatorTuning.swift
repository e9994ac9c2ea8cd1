#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for batch jobs that build and drop many large arrays.
public enum AllocatorTuning {
    /// Keeps freed blocks of up to 32 MiB in the process for reuse instead of returning them to
    /// the kernel (glibc: `M_MMAP_THRESHOLD` = 32 MiB, `M_TRIM_THRESHOLD` = 1 GiB). Memory the
    /// kernel hands out again must first be faulted in and zeroed page by page, which cost
    /// `prepare` about a fifth of its CPU time; reused heap memory costs nothing. Peak memory is
    /// unchanged (blocks are reused, not added). Call once at the start of a command; a no-op
    /// off glibc.
    public static func keepFreedMemoryForReuse() {
        #if canImport(Glibc)
        // <malloc.h> is not part of the Glibc module: look `mallopt` up (RTLD_DEFAULT = nil).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
