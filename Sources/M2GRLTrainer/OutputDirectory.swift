import Foundation
import M2GRLCore

/// `OutputPathCheck.prepare` with the trainer's typed error: a bad `--out` or `--checkpoint` fails
/// at once with a clear message instead of a raw file-system error after the run.
public enum OutputDirectory {
    /// Creates `url` (and missing parents) when needed and checks that files can be created in it.
    /// - Parameter role: how the directory is named in errors, e.g. "--out".
    public static func prepare(_ url: URL, role: String) throws {
        if let problem = OutputPathCheck.prepare(url, create: true) { throw TrainerError(.io, "\(role) \(problem)") }
    }
}
