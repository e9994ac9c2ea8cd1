import Foundation

/// The up-front check of an output directory, shared by every command that writes one (`prepare`,
/// `train`, `train-diversity`): a long run must not end in "cannot create the output directory"
/// or "permission denied". Each command wraps the problem text in its own typed error.
public enum OutputPathCheck {
    /// Checks that files can be written in the directory `url`, before any work.
    ///
    /// An existing directory is probed by creating (and removing) a hidden file in it, so a
    /// read-only directory, mount or file system is refused up front. A missing one is checked by
    /// `problem(with:)` and, when `create` is true, created (with missing parents) and probed; when
    /// `create` is false nothing is created (a mistyped path must not leave an empty directory
    /// behind; the caller creates it when it writes).
    /// - Returns: why no file can be written there, or nil when it can.
    public static func prepare(_ url: URL, create: Bool) -> String? {
        if let problem = problem(with: url) { return problem }
        let fm = FileManager.default
        let path = url.standardizedFileURL.path
        if !fm.fileExists(atPath: path) {
            guard create else { return nil }
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                return "\(path) cannot be created (\(error.localizedDescription))"
            }
        }
        return probe(path)
    }

    /// Why no directory can be written at `url`, or nil when it is a directory or can be created as
    /// one. Looks at `url` itself, or else at its nearest existing ancestor: a regular file there
    /// (`url` itself: "… is a file, not a directory"; an ancestor: "… cannot be created: A is a
    /// file") or an ancestor that is not writable blocks it. Creates nothing, and does not probe
    /// an existing directory (`prepare(_:create:)` does).
    public static func problem(with url: URL) -> String? {
        let fm = FileManager.default
        let path = url.standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? nil : "\(path) is a file, not a directory"
        }
        var ancestor = url.standardizedFileURL.deletingLastPathComponent()
        while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isDirectory.boolValue else { return "\(path) cannot be created: \(ancestor.path) is a file" }
        guard fm.isWritableFile(atPath: ancestor.path) else { return "\(path) cannot be created: \(ancestor.path) is not writable" }
        return nil
    }

    /// Creates and removes a hidden file in the existing directory `path`: permission bits alone
    /// miss read-only mounts and do not apply to root.
    static func probe(_ path: String) -> String? {
        let probe = (path as NSString).appendingPathComponent(".m2grl-write-probe-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else { return "\(path) is not writable" }
        try? FileManager.default.removeItem(atPath: probe)
        return nil
    }
}
