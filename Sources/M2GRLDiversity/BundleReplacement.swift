import Foundation
import M2GRLCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a model bundle over an existing one without ever leaving a mix of old and new files.
///
/// `ModelBundle.write(to:)` rewrites the tables one file at a time; `train-diversity` writes back
/// into its input bundle by default, so a failure or a second Ctrl-C in the middle (seconds for a
/// large catalogue) left new `diversity` tables beside an old `diversity.json` or `model.json`.
/// Here the bundle is written completely into a hidden sibling directory first, then the files are
/// swapped in by `StagedReplacement` (`model.json` last): each old file is renamed aside, the new
/// one renamed in, and the old ones deleted only when all are in; a failing rename undoes the
/// swaps done so far, so the previous bundle stays whole. Files of the directory that are not
/// part of the bundle (training logs, plots, checkpoints) are kept.
enum BundleReplacement {
    /// - Parameter beforeEachMove: a failure-injection point for tests (see `StagedReplacement`).
    static func write(_ bundle: ModelBundle, to target: URL, beforeEachMove: (String) throws -> Void = { _ in }) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: target.path) else { return try bundle.write(to: target) }
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).write-\(getpid())")
        try? fm.removeItem(at: staging)
        defer { try? fm.removeItem(at: staging) }
        try bundle.write(to: staging)
        do {
            try StagedReplacement.replace(bundle.fileNames + ["model.json"], from: staging, into: target, beforeEachMove: beforeEachMove)
        } catch {
            let reason = (error as? CoreError)?.message ?? "\(error)"
            throw DiversityError(.io, "cannot write the bundle into \(target.path), the previous one is kept: \(reason)")
        }
    }
}
