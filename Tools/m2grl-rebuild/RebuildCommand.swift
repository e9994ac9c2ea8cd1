import ArgumentParser
import Dispatch
import Foundation
import M2GRLRebuild
import Synchronization

/// `m2grl-rebuild`: keeps the servers' snapshots fresh (docs/REBUILD.md). Logic lives in M2GRLRebuild.
@main
struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "m2grl-rebuild",
        abstract: "Daily M2GRL index rebuild: prepare, train (warm start), evaluate, gate, export, publish, reload.",
        discussion: "Exit codes: 0 ok, 3 gate rejected, 4 step failed, 5 reload failed, 6 rollback failed, 66 no input, 75 busy, 78 configuration, 130 interrupted. See docs/REBUILD.md.",
        subcommands: [Run.self, Daemon.self, Rollback.self, Status.self]
    )
}

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file.") var config: String = "Config/rebuild.toml"

    func load() throws -> RebuildConfiguration {
        do { return try RebuildConfiguration.load(from: config) } catch {
            stderrLine("\(error)")
            throw ExitCode(error.exitStatus)
        }
    }
}

func stderrLine(_ text: String) {
    let f = DateFormatter()
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    FileHandle.standardError.write(Data("\(f.string(from: Date())) m2grl-rebuild: \(text)\n".utf8))
}

/// Set by SIGINT/SIGTERM; a run stops before its next step (never between publish and its end).
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Keeps the signal sources alive; written once on the main thread at start-up, never read.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    var isSet: Bool { flag.load(ordering: .relaxed) }

    static func install() -> StopFlag {
        let f = StopFlag()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                if f.flag.load(ordering: .relaxed) { exit(130) }
                f.flag.store(true, ordering: .relaxed)
                stderrLine("signal \(sig): stopping before the next step (again to abort)")
            }
            s.resume()
            sources.append(s)
        }
        return f
    }
}

func runOptions(quiet: Bool, force: Bool, stop: StopFlag) -> RebuildOptions {
    var o = RebuildOptions()
    o.force = force
    o.log = { stderrLine($0) }
    o.shouldStop = { stop.isSet }
    if !quiet { o.trainingProgress = { line in FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8)) } }
    return o
}

extension RebuildCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Perform one rebuild now.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Rebuild even if the live snapshot already covers the newest day.") var force = false
        @Flag(help: "No trainer progress lines.") var quiet = false

        func run() throws {
            let cfg = try common.load()
            let stop = StopFlag.install()
            let report: RunReport
            do {
                report = try RebuildRunner(configuration: cfg, options: runOptions(quiet: quiet, force: force, stop: stop)).run()
            } catch {
                stderrLine("\(error)")
                throw ExitCode(error.exitStatus)
            }
            print(report.publishedVersion ?? report.status.rawValue)
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        }
    }

    struct Daemon: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a rebuild every day at schedule.daily_at (local time).")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let cfg = try common.load()
            let stop = StopFlag.install()
            do {
                try RebuildDaemon(configuration: cfg, options: runOptions(quiet: true, force: false, stop: stop)).run()
            } catch {
                stderrLine("\(error)")
                throw ExitCode(error.exitStatus)
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point current at VERSION (default: the previous one) and reload the servers.")
        @OptionGroup var common: CommonOptions
        @Argument(help: "Version to make current (see `status`).") var version: String?

        func run() throws {
            let cfg = try common.load()
            let outcome: RebuildRollback.Outcome
            do { outcome = try RebuildRollback(configuration: cfg, log: { stderrLine($0) }).run(to: version) } catch {
                stderrLine("\(error)")
                throw ExitCode(error.exitStatus)
            }
            print(outcome.current)
            if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List snapshots (which is live), the lock and the last runs.")
        @OptionGroup var common: CommonOptions

        func run() throws {
            let cfg = try common.load()
            do { print(try RebuildStatus.read(configuration: cfg).text) } catch {
                stderrLine("\(error)")
                throw ExitCode(error.exitStatus)
            }
        }
    }
}
