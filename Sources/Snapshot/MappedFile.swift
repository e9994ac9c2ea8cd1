#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A read-only memory mapping of a whole file.
///
/// Reading a snapshot file through a mapping costs page cache, not heap: the
/// checksum and Faiss' reader walk the pages once, and the kernel can drop them
/// afterwards. The mapping is removed when the value is released.
final class MappedFile {
    private let base: UnsafeMutableRawPointer?
    /// File size in bytes.
    let count: Int

    init(_ url: URL) throws(SnapshotError) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFiles.posixError("cannot open \(url.path)") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw DurableFiles.posixError("cannot stat \(url.path)") }
        count = Int(st.st_size)
        guard count > 0 else {
            base = nil
            return
        }
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw DurableFiles.posixError("cannot map \(url.path)")
        }
        _ = madvise(p, count, MADV_SEQUENTIAL)
        base = p
    }

    /// Calls `body` with the file's bytes (empty for an empty file).
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    deinit {
        if let base { munmap(base, count) }
    }
}
