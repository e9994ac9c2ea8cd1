import Foundation
import Snapshot
import Testing
@testable import M2GRLRebuild

/// A rebuild killed with SIGKILL (or crashing) mid-run leaves the live snapshot serving, and the
/// next run recovers and publishes. Runs the built `m2grl-rebuild` as a child process.
@Suite(.serialized) struct CrashRecoveryTests {
    /// The `m2grl-rebuild` executable next to the test bundle (or `M2GRL_REBUILD_BINARY`).
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["M2GRL_REBUILD_BINARY"] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for dir in candidates {
            var d = dir
            for _ in 0..<4 {
                let url = d.appendingPathComponent("m2grl-rebuild")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
                d = d.deletingLastPathComponent()
            }
        }
        throw RebuildError(.input, "m2grl-rebuild not found near \(candidates.map(\.path)); build it or set M2GRL_REBUILD_BINARY")
    }

    static func child(config: URL, environment: [String: String]) throws -> Process {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = ["run", "--config", config.path, "--quiet"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test(arguments: ["train", "verify"])
    func killNineMidRunThenRerunSucceeds(step: String) throws {
        var (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        let server = try f.startServer()
        defer { server.stop() }
        try f.addDay(2)
        let config = try f.writeConfigurationFile()

        let p = try Self.child(config: config, environment: [RebuildCrashPoint.pauseEnvironmentKey: step])
        let marker = f.paths.state.appendingPathComponent(RebuildCrashPoint.pauseMarker)
        var waited = 0
        while !FileManager.default.fileExists(atPath: marker.path), p.isRunning, waited < 1200 {
            usleep(50_000)
            waited += 1
        }
        #expect(p.isRunning, "the child pauses after \(step)")
        #expect((try? String(contentsOf: marker, encoding: .utf8)) == step)
        #expect(RebuildLock.isHeld(in: f.paths.state))
        // A second rebuild while the first holds the lock is refused.
        do {
            _ = try f.runner().run()
            Issue.record("a second run must be refused while the first holds the lock")
        } catch {
            #expect(error.code == .busy)
            #expect(error.exitStatus == 75)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        #expect(try f.store.currentVersion() == v1, "the live snapshot is untouched")
        #expect(server.snapshotVersion == v1)
        #expect(!RebuildLock.isHeld(in: f.paths.state))

        let rerun = try f.runner().run()
        #expect(rerun.status == .published, "\(rerun.reason ?? "")")
        #expect(rerun.recovered.contains { $0.hasPrefix("stale lock of pid \(p.processIdentifier)") }, "\(rerun.recovered)")
        #expect(rerun.recovered.contains { $0.hasPrefix("removed work directory") })
        let v2 = try #require(rerun.publishedVersion)
        #expect(v2 > v1)
        #expect(server.snapshotVersion == v2)
        #expect(!FileManager.default.fileExists(atPath: f.paths.staging.path))
        #expect(try f.store.list() == [v1, v2])
    }

    @Test(arguments: ["moved", "switched"])
    func crashInsidePublishIsRecovered(point: String) throws {
        let (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        try f.addDay(2)
        let p = try Self.child(config: try f.writeConfigurationFile(), environment: [RebuildCrashPoint.crashEnvironmentKey: point])
        p.waitUntilExit()
        #expect(p.terminationStatus == 86)
        #expect(FileManager.default.fileExists(atPath: f.paths.pendingPublish.path), "the journal survives the crash")
        let afterCrash = try f.store.currentVersion()
        if point == "moved" {
            #expect(afterCrash == v1, "moved into the root but never made current")
            #expect(try f.store.list().count == 2)
        } else {
            #expect(afterCrash != v1, "switched before the crash")
        }
        let rerun = try f.runner(force: true).run()
        #expect(rerun.status == .published, "\(rerun.reason ?? "")")
        #expect(!FileManager.default.fileExists(atPath: f.paths.pendingPublish.path))
        if point == "moved" {
            #expect(rerun.recovered.contains { $0.contains("never became current") }, "\(rerun.recovered)")
            #expect(try f.store.list() == [v1, rerun.publishedVersion!])
        } else {
            #expect(rerun.recovered.contains { $0.contains("had switched current") }, "\(rerun.recovered)")
        }
    }

    @Test func crashBetweenPublishAndReloadIsHealedByTheNextRun() throws {
        var (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        let server = try f.startServer()
        defer { server.stop() }
        try f.addDay(2)
        let p = try Self.child(config: try f.writeConfigurationFile(), environment: [RebuildCrashPoint.crashEnvironmentKey: "publish"])
        p.waitUntilExit()
        #expect(p.terminationStatus == 86)
        let v2 = try #require(try f.store.currentVersion())
        #expect(v2 != v1 && server.snapshotVersion == v1, "published but the server was never told")
        let rerun = try f.runner().run()
        #expect(rerun.status == .upToDate && rerun.exitStatus == 0, "\(rerun.reason ?? "")")
        #expect(rerun.reloads.count == 1 && rerun.reloads.first?.ok == true)
        #expect(server.snapshotVersion == v2)
        // With every server current, an up-to-date run reloads nobody.
        #expect(try f.runner().run().reloads.isEmpty)
    }
}
