import Foundation
import Snapshot
import Synchronization
import WireProtocol

/// What a reload loads: the configured snapshot path re-resolved, or an explicit directory.
public enum ReloadTarget: Sendable, Equatable, CustomStringConvertible {
    case current
    case path(String)

    /// Parses a RELOAD target (`current` or a path).
    public init(_ text: String) { self = text == "current" || text.isEmpty ? .current : .path(text) }

    public var description: String {
        switch self {
        case .current: return "current"
        case .path(let path): return path
        }
    }
}

/// Loads a snapshot for a reload target. The CLI passes one over `LoadedSnapshot`'s loader; tests
/// pass in-memory snapshots.
public typealias SnapshotProvider = @Sendable (ReloadTarget) throws -> LoadedSnapshot

/// The snapshot being served, swapped atomically on reload.
///
/// Readers take a strong reference under the lock and search without it, so an in-flight search
/// keeps its snapshot alive; the old snapshot is freed (ARC) when the last such search ends.
final class SnapshotSlot: Sendable {
    struct Current: Sendable {
        var snapshot: LoadedSnapshot
        var loadedAtMillis: UInt64
        /// DIVERSE's view of the snapshot, prepared when it is installed (or why it has none).
        var diverse: Result<DiverseCatalog, WireProtocolError>
    }

    private let current: Mutex<Current>
    /// Serialises loads so two reloads never race to swap.
    private let loadLock = Mutex<Void>(())
    let loader: SnapshotProvider

    init(initial: LoadedSnapshot, loader: @escaping SnapshotProvider) {
        current = Mutex(Current(snapshot: initial, loadedAtMillis: Self.nowMillis(), diverse: DiverseCatalog.prepare(initial)))
        self.loader = loader
    }

    /// The snapshot serving right now.
    var snapshot: LoadedSnapshot { current.withLock { $0.snapshot } }
    var state: Current { current.withLock { $0 } }

    /// Loads `target` (on the calling thread — never the I/O loop) and swaps it in.
    /// Returns the previous and new versions.
    func reload(_ target: ReloadTarget) throws -> (previous: String, new: String) {
        try loadLock.withLock { _ in
            let loaded = try loader(target)
            let diverse = DiverseCatalog.prepare(loaded)
            let previous = current.withLock { state in
                let old = state.snapshot
                state = Current(snapshot: loaded, loadedAtMillis: Self.nowMillis(), diverse: diverse)
                return old
            }
            return (previous.version, loaded.version)
        }
    }

    static func nowMillis() -> UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
}
