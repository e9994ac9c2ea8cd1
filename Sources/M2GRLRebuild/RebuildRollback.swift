import Foundation
import Snapshot

/// `m2grl-rebuild rollback [VERSION]`: points `current` at an earlier version (default: the one
/// published before the live one) and tells the servers to reload. Takes the rebuild lock.
public struct RebuildRollback: Sendable {
    public var configuration: RebuildConfiguration
    public var log: @Sendable (String) -> Void

    public init(configuration: RebuildConfiguration, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.configuration = configuration
        self.log = log
    }

    /// What a rollback did.
    public struct Outcome: Sendable, Equatable {
        public var previous: String?
        public var current: String
        public var reloads: [RunReport.Reload]
        /// 0, or the reload-failed exit status when a server did not reload.
        public var exitStatus: Int32
    }

    public func run(to requested: String? = nil) throws(RebuildError) -> Outcome {
        let paths = RebuildPaths(configuration: configuration)
        let lock = try RebuildLock.acquire(in: paths.state, runID: "rollback-" + SnapshotStore.newVersion())
        defer { lock.release() }
        let store = SnapshotStore(root: paths.snapshots)
        let versions: [String]
        let live: String?
        do {
            versions = try store.list()
            // A damaged pointer must not block rolling back to a named version: that is the repair.
            var current: String?
            do { current = try store.currentVersion() } catch {
                guard let requested else { throw error }
                log("current pointer is damaged (\(error.message)); switching it to \(requested)")
            }
            live = current
        } catch {
            throw RebuildError(.rollback, "cannot read \(paths.snapshots.path): \(error)")
        }
        let target: String
        if let requested {
            guard versions.contains(requested) else {
                throw RebuildError(.rollback, "no version '\(requested)' in \(paths.snapshots.path) (have: \(versions.joined(separator: ", ")))")
            }
            target = requested
        } else {
            guard let live, let i = versions.firstIndex(of: live), i > 0 else {
                throw RebuildError(.rollback, "no version older than the live one (\(live ?? "none")) to roll back to")
            }
            target = versions[i - 1]
        }
        if target != live {
            do { try store.setCurrent(target) } catch {
                throw RebuildError(.rollback, "cannot switch current to \(target): \(error)")
            }
            log("current: \(live ?? "none") → \(target)")
        } else {
            log("\(target) is already current; reloading the servers anyway")
        }
        let notifier = ServerNotifier(servers: try configuration.serverAddresses(), adminToken: configuration.resolvedAdminToken(),
                                      timeoutSeconds: configuration.reloadTimeoutSeconds)
        let reloads = notifier.reloadAll(expecting: target)
        for r in reloads { log("reload \(r.server): " + (r.ok ? "ok (\(r.previousVersion ?? "?") → \(r.newVersion ?? "?"))" : "FAILED: \(r.error ?? "?")")) }
        let failed = reloads.contains { !$0.ok }
        return Outcome(previous: live, current: target, reloads: reloads,
                       exitStatus: failed ? RebuildError.exitStatus(for: .reloadFailed) : 0)
    }
}
