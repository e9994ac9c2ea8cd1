import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The only file that touches zlib: gzip-transparent input and optional gzip output.

/// Reads a file's bytes, inflating gzip input transparently (zlib passes plain files through).
final class InputByteStream {
    private let file: gzFile
    /// The path being read.
    let path: String
    /// Size of the file on disk (compressed size for gzip input).
    let fileSize: Int64

    /// Opens `path`; throws `fileNotFound`, `unreadable` (including directories).
    init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(errno == ENOENT ? .fileNotFound : .unreadable,
                            "\(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DataError(.unreadable, "\(path): not a regular file")
        }
        guard let handle = gzopen(path, "rb") else {
            throw DataError(.unreadable, "\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        gzbuffer(handle, 1 << 18)
        self.file = handle
        self.path = path
        self.fileSize = Int64(info.st_size)
    }

    deinit { gzclose_r(file) }

    /// Reads up to `buffer.count` bytes; 0 at end of file. Throws on I/O or gzip errors,
    /// including a gzip stream that ends early (a truncated `.gz` file): zlib reports that
    /// only through `gzerror` (`Z_BUF_ERROR`) after returning the bytes it could inflate.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let n = gzread(file, base, UInt32(min(buffer.count, 1 << 30)))
        if n < 0 {
            throw DataError(.unreadable, "\(path): corrupt or unreadable (\(errorMessage() ?? "read error"))")
        }
        if n == 0 {
            var code: Int32 = Z_OK
            _ = gzerror(file, &code)
            if code == Z_BUF_ERROR {
                throw DataError(.unreadable, "\(path): truncated gzip file (the compressed stream ends early, at byte \(consumedFileBytes)); nothing was prepared from it")
            }
            if code != Z_OK { throw DataError(.unreadable, "\(path): \(errorMessage() ?? "read error")") }
        }
        return Int(n)
    }

    /// zlib's error message without the file name it prefixes.
    private func errorMessage() -> String? {
        var code: Int32 = 0
        guard let text = gzerror(file, &code).map({ String(cString: $0) }) else { return nil }
        return text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
    }

    /// Bytes of the underlying file consumed so far (compressed offset for gzip input).
    var consumedFileBytes: Int64 { Int64(gzoffset(file)) }
}

/// Writes bytes to a file, gzip-compressed when asked, or to standard output.
final class OutputByteStream {
    private let file: gzFile
    private let path: String

    /// Opens `path` for writing (`"-"` = standard output). `compress` selects gzip (level 6).
    init(path: String, compress: Bool) throws {
        let mode = compress ? "wb6" : "wbT"
        let handle: gzFile?
        if path == "-" {
            handle = gzdopen(dup(STDOUT_FILENO), mode)
        } else {
            handle = gzopen(path, mode)
        }
        guard let handle else {
            throw DataError(.writeFailed, "\(path): cannot open for writing (\(String(cString: strerror(errno))))")
        }
        gzbuffer(handle, 1 << 18)
        self.file = handle
        self.path = path
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, 1 << 30)
            let n = gzwrite(file, base + offset, UInt32(chunk))
            guard n > 0 else {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "write error"
                throw DataError(.writeFailed, "\(path): \(message)")
            }
            offset += Int(n)
        }
    }

    /// Flushes and closes the stream; throws when the final write fails.
    func close() throws {
        let rc = gzclose_w(file)
        guard rc == Z_OK else { throw DataError(.writeFailed, "\(path): close failed (zlib \(rc))") }
        closed = true
    }

    private var closed = false
    deinit { if !closed { gzclose_w(file) } }
}

/// CRC-32 (zlib polynomial) of a byte range, used for dataset file checksums.
enum CRC32 {
    static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return initial }
        var crc = UInt(initial)
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, 1 << 30)
            crc = crc32(crc, base.assumingMemoryBound(to: Bytef.self) + offset, uInt(chunk))
            offset += chunk
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
