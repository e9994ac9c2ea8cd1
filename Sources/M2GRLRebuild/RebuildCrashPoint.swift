import Foundation
import Synchronization

/// Fault injection for crash tests: `M2GRL_REBUILD_CRASH_AT=STEP` makes the process `_exit(86)`
/// right after STEP; `M2GRL_REBUILD_PAUSE_AT=STEP` makes it write `STATE/paused-at` (the step name)
/// and sleep, so a test can `kill -9` it at a known point. STEP is any step name of `m2grl-rebuild run`
/// (docs/REBUILD.md) or the publish sub-points `moved` (version renamed into the root) and `switched`.
public enum RebuildCrashPoint {
    public static let crashEnvironmentKey = "M2GRL_REBUILD_CRASH_AT"
    public static let pauseEnvironmentKey = "M2GRL_REBUILD_PAUSE_AT"
    /// The marker file a paused run writes, relative to the state directory.
    public static let pauseMarker = "paused-at"

    /// The state directory pause markers go to (set by the runner).
    static let stateDirectory = Mutex<URL?>(nil)

    /// Called after each step.
    static func reached(_ step: String) {
        let env = ProcessInfo.processInfo.environment
        if env[crashEnvironmentKey] == step {
            FileHandle.standardError.write(Data("m2grl-rebuild: \(crashEnvironmentKey)=\(step): exiting\n".utf8))
            _exit(86)
        }
        if env[pauseEnvironmentKey] == step {
            if let dir = stateDirectory.withLock({ $0 }) {
                try? Data(step.utf8).write(to: dir.appendingPathComponent(pauseMarker))
            }
            FileHandle.standardError.write(Data("m2grl-rebuild: \(pauseEnvironmentKey)=\(step): pausing\n".utf8))
            while true { sleep(3600) }
        }
    }
}
