import Foundation
import M2GRLCore

/// Checks an output directory up front (before any training), so a bad `--out` or `--checkpoint`
/// fails at once with a clear message instead of a raw file-system error after the run.
public enum OutputDirectory {
    /// Creates `url` (and missing parents) when needed and checks that files can be created in it.
    /// - Parameter role: how the directory is named in errors, e.g. "--out".
    public static func prepare(_ url: URL, role: String) throws {
        if let problem = OutputPathCheck.problem(with: url) { throw TrainerError(.io, "\(role) \(problem)") }
        let path = url.path
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw TrainerError(.io, "\(role) \(path) cannot be created (\(error.localizedDescription))")
        }
        let probe = url.appendingPathComponent(".m2grl-write-probe-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else {
            throw TrainerError(.io, "\(role) \(path) is not writable")
        }
        try? FileManager.default.removeItem(at: probe)
    }
}
