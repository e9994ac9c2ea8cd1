import Foundation

/// Checks an output directory up front (before any training), so a bad `--out` or `--checkpoint`
/// fails at once with a clear message instead of a raw file-system error after the run.
public enum OutputDirectory {
    /// Creates `url` (and missing parents) when needed and checks that files can be created in it.
    /// - Parameter role: how the directory is named in errors, e.g. "--out".
    public static func prepare(_ url: URL, role: String) throws {
        let fm = FileManager.default
        let path = url.path
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            throw TrainerError(.io, "\(role) \(path) is a file, not a directory")
        }
        if !isDir.boolValue {
            // The nearest existing ancestor says why a directory cannot be made.
            var ancestor = url.deletingLastPathComponent()
            while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDir), ancestor.path != "/" { ancestor = ancestor.deletingLastPathComponent() }
            if fm.fileExists(atPath: ancestor.path, isDirectory: &isDir), !isDir.boolValue {
                throw TrainerError(.io, "\(role) \(path) cannot be created: \(ancestor.path) is a file")
            }
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw TrainerError(.io, "\(role) \(path) cannot be created in \(ancestor.path) (not writable?)")
            }
        }
        let probe = url.appendingPathComponent(".m2grl-write-probe-\(ProcessInfo.processInfo.processIdentifier)")
        guard fm.createFile(atPath: probe.path, contents: Data()) else {
            throw TrainerError(.io, "\(role) \(path) is not writable")
        }
        try? fm.removeItem(at: probe)
    }
}
