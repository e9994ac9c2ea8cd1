import Foundation
import Snapshot

/// Loads snapshots from disk for the server: a path is either a snapshot root (a directory with a
/// `current` symlink, as `SnapshotStore` publishes) or one snapshot version directory.
public enum SnapshotDirectoryLoader {
    /// A loader for `RPCServer`: `current` re-resolves `configuredPath`; a path loads that path.
    public static func loader(configuredPath: String) -> SnapshotProvider {
        { target in
            switch target {
            case .current: return try load(path: configuredPath)
            case .path(let path): return try load(path: path)
            }
        }
    }

    /// Loads the snapshot at `path` (root with `current`, or a version directory).
    public static func load(path: String) throws -> LoadedSnapshot {
        let url = URL(fileURLWithPath: path)
        let pointer = url.appendingPathComponent(SnapshotStore.currentName)
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: pointer.path)) != nil
            || FileManager.default.fileExists(atPath: pointer.path) {
            return try SnapshotStore(root: url).loadCurrent()
        }
        return try LoadedSnapshot.load(from: url)
    }
}
