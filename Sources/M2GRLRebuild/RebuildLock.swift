#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The exclusive lock that keeps two rebuilds (or a rebuild and a rollback) from running at once.
///
/// An `flock(2)` on `STATE/rebuild.lock`: the kernel releases it when the holder dies, so a lock
/// left by a killed process never blocks the next run. The file also records the holder's pid,
/// start time and run id; when the lock is free but the file names a process, that holder died
/// without cleaning up (a stale lock), which `acquire` reports in `staleHolder`.
public final class RebuildLock: Sendable {
    /// The holder recorded in the lock file.
    public struct Holder: Sendable, Equatable, Codable {
        public var pid: Int32
        public var startedAt: String
        public var runID: String
    }

    public let path: URL
    private let fd: Int32
    /// The previous holder when it died holding the lock (nil when the last holder released it).
    public let staleHolder: Holder?

    private init(path: URL, fd: Int32, staleHolder: Holder?) {
        self.path = path
        self.fd = fd
        self.staleHolder = staleHolder
    }

    /// Takes the lock without waiting; throws `.busy` naming the running holder.
    public static func acquire(in directory: URL, runID: String) throws(RebuildError) -> RebuildLock {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw RebuildError(.stepFailed, "cannot create state directory \(directory.path): \(error.localizedDescription)")
        }
        let path = directory.appendingPathComponent("rebuild.lock")
        let fd = open(path.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RebuildError(.stepFailed, "cannot open \(path.path): \(String(cString: strerror(errno)))") }
        let previous = readHolder(fd: fd)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK {
                let who = previous.map { "pid \($0.pid), run \($0.runID), since \($0.startedAt)" } ?? "another process"
                throw RebuildError(.busy, "another rebuild holds \(path.path) (\(who))")
            }
            throw RebuildError(.stepFailed, "flock \(path.path): \(String(cString: strerror(e)))")
        }
        // Lock is ours. A recorded holder means its owner never released it: it died.
        let stale = previous.flatMap { $0.pid > 0 ? $0 : nil }
        let me = Holder(pid: getpid(), startedAt: ISO8601DateFormatter().string(from: Date()), runID: runID)
        writeHolder(me, fd: fd)
        return RebuildLock(path: path, fd: fd, staleHolder: stale)
    }

    /// Whether a process with `pid` exists.
    public static func processIsAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// The holder recorded in the lock file of `directory`, if any (for `status`).
    public static func recordedHolder(in directory: URL) -> Holder? {
        let fd = open(directory.appendingPathComponent("rebuild.lock").path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readHolder(fd: fd)
    }

    /// Whether some live process currently holds the lock of `directory`.
    public static func isHeld(in directory: URL) -> Bool {
        let fd = open(directory.appendingPathComponent("rebuild.lock").path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }

    /// Clears the recorded holder and releases the lock.
    public func release() {
        _ = ftruncate(fd, 0)
        _ = fsync(fd)
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func readHolder(fd: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: Data(buffer[0..<n]))
    }

    private static func writeHolder(_ holder: Holder, fd: Int32) {
        guard let data = try? JSONEncoder().encode(holder) else { return }
        _ = ftruncate(fd, 0)
        _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        _ = fsync(fd)
    }
}
