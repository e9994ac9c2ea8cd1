#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Small durable file-system operations (rename, fsync of a directory, remove) with typed errors.
enum DurableOps {
    static func fsyncDirectory(_ url: URL) throws(RebuildError) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw RebuildError(.stepFailed, "open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw RebuildError(.stepFailed, "fsync \(url.path): \(String(cString: strerror(errno)))") }
    }

    static func rename(_ from: URL, to: URL) throws(RebuildError) {
        guard Glibc.rename(from.path, to.path) == 0 else {
            throw RebuildError(.stepFailed, "rename \(from.path) → \(to.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes a file or directory tree; absent is fine.
    static func remove(_ url: URL) throws(RebuildError) {
        guard FileManager.default.fileExists(atPath: url.path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil else { return }
        do { try FileManager.default.removeItem(at: url) } catch {
            throw RebuildError(.stepFailed, "remove \(url.path): \(error.localizedDescription)")
        }
    }

    /// Renames to a hidden trash name first, so a half-removed tree is never mistaken for a complete one.
    static func removeViaTrash(_ url: URL) throws(RebuildError) {
        let trash = url.deletingLastPathComponent().appendingPathComponent(".trash-\(url.lastPathComponent)")
        try remove(trash)
        try rename(url, to: trash)
        try remove(trash)
    }

    static func makeDirectory(_ url: URL) throws(RebuildError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw RebuildError(.stepFailed, "mkdir \(url.path): \(error.localizedDescription)")
        }
    }

    static func writeAtomically(_ data: Data, to url: URL) throws(RebuildError) {
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do { try data.write(to: temp) } catch {
            throw RebuildError(.stepFailed, "write \(temp.path): \(error.localizedDescription)")
        }
        let fd = open(temp.path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
        try rename(temp, to: url)
        try fsyncDirectory(url.deletingLastPathComponent())
    }
}

extension DurableOps {
    /// Removes a directory tree via a trash name when present.
    static func removeIfPresent(_ url: URL) throws(RebuildError) {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        try removeViaTrash(url)
    }
}
