#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import M2GRLCore

/// The few POSIX file operations publishing needs to be crash-safe:
/// write-and-fsync, fsync of directories, atomic symlink replacement, locks.
enum DurableFiles {
    /// Writes `data` to `url` (created or truncated) and fsyncs it before returning.
    static func write(_ data: Data, to url: URL) throws(SnapshotError) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw posixError("cannot create \(url.path)") }
        defer { close(fd) }
        var failure: SnapshotError?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = posixError("cannot write \(url.path)")
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
        guard fsync(fd) == 0 else { throw posixError("cannot fsync \(url.path)") }
    }

    /// Flushes a file or directory (its entries) to stable storage.
    static func fsyncPath(_ url: URL) throws(SnapshotError) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw posixError("cannot open \(url.path) to fsync") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError("cannot fsync \(url.path)") }
    }

    /// Creates a directory (parents included).
    static func makeDirectory(_ url: URL) throws(SnapshotError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw SnapshotError(.io, "cannot create \(url.path): \(error.localizedDescription)")
        }
    }

    /// Atomically renames `from` to `to` (replacing a file or symlink at `to`).
    static func rename(_ from: URL, to: URL) throws(SnapshotError) {
        guard Glibc.rename(from.path, to.path) == 0 else { throw posixError("cannot rename \(from.path) to \(to.path)") }
    }

    /// Creates a symlink at `link` pointing to the relative path `target`.
    static func symlink(_ target: String, at link: URL) throws(SnapshotError) {
        guard Glibc.symlink(target, link.path) == 0 else { throw posixError("cannot create symlink \(link.path)") }
    }

    /// The target of a symlink, nil when `link` does not exist.
    static func readLink(_ link: URL) throws(SnapshotError) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(link.path, &buffer, buffer.count - 1)
        if n < 0 {
            if errno == ENOENT { return nil }
            throw posixError("cannot read symlink \(link.path)")
        }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a file, symlink or directory tree; absent is fine.
    static func remove(_ url: URL) throws(SnapshotError) {
        var st = stat()
        guard lstat(url.path, &st) == 0 else { return }
        do { try FileManager.default.removeItem(at: url) } catch {
            throw SnapshotError(.io, "cannot remove \(url.path): \(error.localizedDescription)")
        }
    }

    /// Size of a regular file, nil if absent.
    static func fileSize(_ url: URL) -> Int? {
        var st = stat()
        guard stat(url.path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// SHA-256 and size of a file, read through a read-only mapping.
    static func checksum(of url: URL) throws(SnapshotError) -> (sha256: String, bytes: Int) {
        let mapped = try MappedFile(url)
        let digest = mapped.withUnsafeBytes { SHA256.hash($0) }
        return (digest.hexString, mapped.count)
    }

    static func posixError(_ context: String) -> SnapshotError {
        let code = errno
        let message = String(cString: strerror(code))
        return SnapshotError(code == ENOENT ? .missingFile : .io, "\(context): \(message)")
    }
}

/// An exclusive advisory lock (flock) on a file, held until `unlock` or process exit.
/// A killed publisher's lock is released by the kernel, so it never blocks the next run.
final class FileLock {
    private var fd: Int32

    /// Takes the lock, failing with `.busy` if another process holds it.
    init(_ url: URL) throws(SnapshotError) {
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DurableFiles.posixError("cannot open lock \(url.path)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            fd = -1
            throw SnapshotError(.busy, "another publisher holds \(url.path)")
        }
    }

    func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}
