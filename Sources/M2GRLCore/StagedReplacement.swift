import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Moves files or directories written completely in a staging directory over their old versions
/// in a target directory, so that a failure at any step leaves the target exactly as it was.
///
/// Each old entry is first renamed aside (into `staging/.old`), then the new one renamed in; the
/// old entries are deleted only after every rename succeeded. On an error every step done so far
/// is undone in reverse order (new entries back into staging, old ones back into place) before the
/// error is thrown. Every step is a `rename(2)` within one file system: microseconds per entry.
/// Used by `prepare` (the splits and `stats.json`) and `train-diversity` (a model bundle's files).
public enum StagedReplacement {
    /// The directory inside `staging` that holds the replaced entries until the end.
    public static let asideName = ".old"

    /// Replaces `target/NAME` by `staging/NAME` for each of `names` (relative paths, e.g.
    /// "valid" or "tables/item.f32"), in the given order; missing parent directories of a name in
    /// `target` are created (and removed again on rollback when still empty).
    /// - Parameter beforeEachMove: called with a name before its new entry is renamed in; a throw
    ///   there acts as a failing rename (tests inject failures with it).
    /// - Throws: `CoreError(.io)` naming the entry that could not be moved; `target` is then as before.
    public static func replace(_ names: [String], from staging: URL, into target: URL,
                               beforeEachMove: (String) throws -> Void = { _ in }) throws {
        let fm = FileManager.default
        let aside = staging.appendingPathComponent(asideName)
        var undo: [() -> Void] = []
        func rollback() { for step in undo.reversed() { step() } }
        func move(_ from: URL, _ to: URL) throws {
            guard rename(from.path, to.path) == 0 else {
                throw CoreError(.io, "cannot move \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
            }
        }
        func makeParent(of url: URL) throws {
            let parent = url.deletingLastPathComponent()
            guard !fm.fileExists(atPath: parent.path) else { return }
            try makeParent(of: parent)
            do { try fm.createDirectory(at: parent, withIntermediateDirectories: false) } catch {
                throw CoreError(.io, "cannot create \(parent.path): \(error.localizedDescription)")
            }
            undo.append { _ = rmdir(parent.path) }
        }
        do {
            for name in names {
                let old = target.appendingPathComponent(name)
                let new = staging.appendingPathComponent(name)
                if fm.fileExists(atPath: old.path) || (try? fm.destinationOfSymbolicLink(atPath: old.path)) != nil {
                    let saved = aside.appendingPathComponent(name)
                    try makeParent(of: saved)
                    try move(old, saved)
                    undo.append { _ = rename(saved.path, old.path) }
                } else {
                    try makeParent(of: old)
                }
                try beforeEachMove(name)
                try move(new, old)
                undo.append { _ = rename(old.path, new.path) }
            }
        } catch let error as CoreError {
            rollback()
            throw error
        } catch {
            rollback()
            throw CoreError(.io, "\(target.path): \(error)")
        }
        try? fm.removeItem(at: aside)
    }
}
