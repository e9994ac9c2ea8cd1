import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The staging directory `prepare` writes its splits into (`OUT/.prepare-PID`), so that an
/// interrupted or failed run never leaves `OUT` holding some new splits beside old ones.
///
/// `commit` removes `OUT/stats.json` (it describes the old splits), moves each staged split over
/// its old directory, and the caller writes the new `OUT/stats.json` last; `discard` removes what
/// is left of the staging directory. Staging directories of dead processes are removed on creation.
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

    /// Moves every staged split into `output`, replacing the old one.
    func commit(splits: [String]) throws {
        let fm = FileManager.default
        do {
            let stats = output.appendingPathComponent("stats.json")
            if fm.fileExists(atPath: stats.path) { try fm.removeItem(at: stats) }
            for name in splits {
                let target = output.appendingPathComponent(name)
                if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
                try fm.moveItem(at: directory.appendingPathComponent(name), to: target)
            }
        } catch {
            throw DataError(.writeFailed, "\(output.path): cannot move the prepared splits into place: \(error.localizedDescription)")
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
