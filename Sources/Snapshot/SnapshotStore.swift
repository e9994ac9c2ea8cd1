#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import M2GRLCore

/// A directory of snapshot versions with an atomically switched `current` pointer.
///
/// Layout of `root`:
/// - `VERSION/` per published snapshot, VERSION = `yyyyMMdd'T'HHmmss.SSS'Z'-xxxxxx` (UTC time to the
///   millisecond, so versions sort by publish time, plus 6 random hex digits);
/// - `current`: a symlink to the served VERSION;
/// - `.publish.lock`: flock held by a publisher;
/// - leftovers of an interrupted publish (`.tmp-*`, `.current.tmp-*`, `.trash-*`), removed by the next one.
///
/// Publishing writes into `.tmp-VERSION`, fsyncs every file and the directory, renames it
/// to `VERSION`, fsyncs `root`, then points a temporary symlink at it and renames that over
/// `current` (one atomic `rename(2)`), and fsyncs `root` again. A crash at any point leaves
/// the previous `current` intact; readers only ever see complete versions.
public struct SnapshotStore: Sendable {
    /// The snapshot root directory.
    public let root: URL
    /// Name of the pointer symlink.
    public static let currentName = "current"
    /// Environment variable naming a `PublishStep` at which the publisher exits (crash tests only).
    public static let crashEnvironmentKey = "M2GRL_CRASH_AT"

    public init(root: URL) { self.root = root }

    /// Exports `bundle` and publishes it as the new current version.
    ///
    /// - Parameter keep: when set, prunes to the newest `keep` versions (plus current) afterwards.
    /// - Returns: the new version.
    @discardableResult
    public func publish(_ bundle: ModelBundle, configuration: ExportConfiguration = ExportConfiguration(), keep: Int? = nil,
                        progress: @Sendable (String) -> Void = { _ in }) throws(SnapshotError) -> String {
        try SnapshotWriter.checkDiversity(bundle)
        try DurableFiles.makeDirectory(root)
        let lock = try FileLock(root.appendingPathComponent(".publish.lock"))
        defer { lock.unlock() }
        try cleanUpLocked()
        let crashAt = ProcessInfo.processInfo.environment[Self.crashEnvironmentKey].flatMap(PublishStep.init(rawValue:))
        let checkpoint: (PublishStep) -> Void = { step in
            if step == crashAt { _exit(86) }
        }
        let version = Self.newVersion()
        let temp = root.appendingPathComponent(".tmp-\(version)")
        try DurableFiles.makeDirectory(temp)
        try DurableFiles.fsyncPath(root)
        checkpoint(.tempCreated)
        do {
            try SnapshotWriter(configuration: configuration).write(diversityChecked: bundle, version: version, into: temp,
                                                                   progress: progress, checkpoint: checkpoint)
        } catch {
            try? DurableFiles.remove(temp)
            throw error
        }
        let final = root.appendingPathComponent(version)
        try DurableFiles.rename(temp, to: final)
        try DurableFiles.fsyncPath(root)
        checkpoint(.renamed)
        try switchCurrent(to: version, checkpoint: checkpoint)
        progress("published \(version)")
        if let keep { try pruneLocked(keep: keep) }
        return version
    }

    /// The version `current` points to, nil before the first publish.
    ///
    /// Throws `.inconsistent` when `current` is not a symlink to a version name in `root`
    /// (a symlink loop, a path leaving the root, a hand-made pointer): the publisher only ever
    /// writes bare version names, so anything else is damage, named as such.
    public func currentVersion() throws(SnapshotError) -> String? {
        let link = root.appendingPathComponent(Self.currentName)
        guard let target = try DurableFiles.readLink(link) else { return nil }
        guard Self.isVersionName(target) else {
            let why = target == Self.currentName ? "points to itself (a symlink loop)" : "points to '\(target)', which is not a version of \(root.path)"
            throw SnapshotError(.inconsistent, "\(link.path) \(why); point it at a version (m2grl-rebuild rollback VERSION, or m2grl export)")
        }
        return target
    }

    /// The directory `current` points to, after checking that it exists.
    public func currentDirectory() throws(SnapshotError) -> URL {
        guard let version = try currentVersion() else {
            throw SnapshotError(.notFound, "\(root.path) has no \(Self.currentName) snapshot")
        }
        let directory = root.appendingPathComponent(version)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SnapshotError(.notFound, "\(root.appendingPathComponent(Self.currentName).path) points to version \(version), which does not exist in \(root.path)")
        }
        return directory
    }

    /// Loads the current version. If loading fails while a concurrent publish moved `current`
    /// away (and a prune removed the old version mid-load), reads the pointer again.
    public func loadCurrent(verifyChecksums: Bool = true) throws(SnapshotError) -> LoadedSnapshot {
        var attempt = 0
        while true {
            guard let version = try currentVersion() else {
                throw SnapshotError(.notFound, "\(root.path) has no \(Self.currentName) snapshot")
            }
            do {
                return try LoadedSnapshot.load(from: root.appendingPathComponent(version), verifyChecksums: verifyChecksums)
            } catch {
                // A failure of a version that is no longer current (a concurrent publish
                // switched away and a prune removed it mid-load) is not a failure of
                // the store: read the pointer again.
                attempt += 1
                guard attempt < 5, try currentVersion() != version else { throw error }
            }
        }
    }

    /// Complete published versions (those with a manifest), oldest first.
    public func list() throws(SnapshotError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: root.path) } catch {
            throw SnapshotError(.notFound, "cannot list \(root.path): \(error.localizedDescription)")
        }
        return names.filter { Self.isVersionName($0) && DurableFiles.fileSize(root.appendingPathComponent($0).appendingPathComponent(SnapshotLoader.manifestFile)) != nil }.sorted()
    }

    /// Points `current` at an existing version (rollback), after verifying that it loads.
    public func setCurrent(_ version: String) throws(SnapshotError) {
        guard Self.isVersionName(version), try list().contains(version) else {
            throw SnapshotError(.notFound, "no snapshot version '\(version)' in \(root.path)")
        }
        _ = try LoadedSnapshot.load(from: root.appendingPathComponent(version))
        let lock = try FileLock(root.appendingPathComponent(".publish.lock"))
        defer { lock.unlock() }
        try switchCurrent(to: version, checkpoint: { _ in })
    }

    /// Removes all but the newest `keep` (at least 1) versions; never removes the current one.
    /// Takes the publish lock, so it fails with `.busy` while a publish runs.
    /// - Returns: the removed versions.
    @discardableResult
    public func prune(keep: Int) throws(SnapshotError) -> [String] {
        let lock = try FileLock(root.appendingPathComponent(".publish.lock"))
        defer { lock.unlock() }
        return try pruneLocked(keep: keep)
    }

    private func pruneLocked(keep: Int) throws(SnapshotError) -> [String] {
        let current = try currentVersion()
        let versions = try list()
        let kept = Set(versions.suffix(max(keep, 1))).union(current.map { [$0] } ?? [])
        var removed: [String] = []
        for v in versions where !kept.contains(v) {
            // Rename first so a half-deleted directory is never listed as a version.
            let trash = root.appendingPathComponent(".trash-\(v)")
            try DurableFiles.rename(root.appendingPathComponent(v), to: trash)
            try DurableFiles.remove(trash)
            removed.append(v)
        }
        if !removed.isEmpty { try DurableFiles.fsyncPath(root) }
        return removed
    }

    /// Removes what interrupted publishes and prunes left behind. Takes the publish lock (a
    /// running publish's temporary directory is not a leftover), failing with `.busy` meanwhile.
    /// - Returns: the names removed.
    @discardableResult
    public func cleanUpLeftovers() throws(SnapshotError) -> [String] {
        guard FileManager.default.fileExists(atPath: root.path) else { return [] }
        let lock = try FileLock(root.appendingPathComponent(".publish.lock"))
        defer { lock.unlock() }
        return try cleanUpLocked()
    }

    private func cleanUpLocked() throws(SnapshotError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(".tmp-") || name.hasPrefix(".current.tmp-") || name.hasPrefix(".trash-") {
            try DurableFiles.remove(root.appendingPathComponent(name))
            removed.append(name)
        }
        if !removed.isEmpty { try DurableFiles.fsyncPath(root) }
        return removed.sorted()
    }

    private func switchCurrent(to version: String, checkpoint: (PublishStep) -> Void) throws(SnapshotError) {
        let staged = root.appendingPathComponent(".current.tmp-\(version)")
        try DurableFiles.remove(staged)
        try DurableFiles.symlink(version, at: staged)
        checkpoint(.pointerStaged)
        try DurableFiles.rename(staged, to: root.appendingPathComponent(Self.currentName))
        try DurableFiles.fsyncPath(root)
        checkpoint(.switched)
    }

    /// A new version name: UTC time to the millisecond plus 6 random hex digits (sorts by time).
    public static func newVersion(date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        let suffix = String(UInt32.random(in: 0...0xff_ffff), radix: 16)
        return f.string(from: date) + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }

    /// Whether `name` has the shape of a version directory name.
    public static func isVersionName(_ name: String) -> Bool {
        let u = Array(name.utf8)
        guard u.count == 27, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "."), u[19] == UInt8(ascii: "Z"),
              u[20] == UInt8(ascii: "-") else { return false }
        let digits = u[0..<8] + u[9..<15] + u[16..<19]
        let hex = u[21...]
        return digits.allSatisfy { (48...57).contains($0) } && hex.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
