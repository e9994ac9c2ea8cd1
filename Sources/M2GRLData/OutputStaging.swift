import Foundation
import M2GRLCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The staging directory `prepare` writes its splits into (`OUT/.prepare-PID`), so that an
/// interrupted or failed run never leaves `OUT` holding some new splits beside old ones.
///
/// The caller writes every split and the new `stats.json` here; `commit` swaps them all in (or,
/// on a failure, none: the previous splits and `stats.json` are kept); `discard` removes what is
/// left of the staging directory, the replaced old entries included. Staging directories of dead processes are removed on creation.
struct OutputStaging {
    static let prefix = ".prepare-"

    let output: URL
    let directory: URL

    init(output: URL) throws {
        self.output = output
        directory = output.appendingPathComponent("\(Self.prefix)\(getpid())")
        Self.removeStale(in: output)
        let fm = FileManager.default
        do {
            try? fm.removeItem(at: directory)
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DataError(.writeFailed, "\(directory.path): \(error.localizedDescription)")
        }
    }

    /// Moves every staged entry (the splits, then `stats.json`) into `output`, replacing the old
    /// ones. The old entries are renamed aside first and deleted only once every new one is in
    /// place; on a failure the moves done so far are undone, so `output` is exactly as before.
    /// - Parameter beforeEachMove: a failure-injection point for tests (see `StagedReplacement`).
    func commit(_ names: [String], beforeEachMove: (String) throws -> Void = { _ in }) throws {
        do {
            try StagedReplacement.replace(names, from: directory, into: output, beforeEachMove: beforeEachMove)
        } catch {
            let reason = (error as? CoreError)?.message ?? "\(error)"
            throw DataError(.writeFailed, "\(output.path): cannot move the prepared splits into place, the previous ones are kept: \(reason)")
        }
    }

    /// Removes the staging directory and anything still in it.
    func discard() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Removes `.prepare-PID` directories whose process no longer runs (left by a killed run).
    static func removeStale(in output: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: output.appendingPathComponent(name))
            }
        }
    }
}
