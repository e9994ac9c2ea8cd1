import Foundation
import Snapshot
import Testing
@testable import M2GRLRebuild

/// End-to-end rebuilds on synthetic daily logs with a live in-process server.
@Suite(.serialized) struct RebuildPipelineTests {
    @Test func threeDaysRebuiltWhileTheServerAnswers() throws {
        var f = try RebuildFixture()
        defer { f.remove() }
        try f.addDay(0)
        try f.addDay(1)
        let first = try f.runner().run()
        #expect(first.status == .published, "\(first.reason ?? "")")
        #expect(first.exitStatus == 0)
        #expect(first.warmStart?.hasPrefix("cold start") == true)
        let v1 = try #require(first.publishedVersion)

        let server = try f.startServer()
        defer { server.stop() }
        let querier = ContinuousQuerier(port: server.port, dimension: 16)
        var versions = [v1]
        for day in 2...4 {
            try f.addDay(day)
            let report = try f.runner().run()
            #expect(report.status == .published, "day \(day): \(report.reason ?? "")")
            let v = try #require(report.publishedVersion)
            #expect(v > versions.last!, "the served version advances")
            #expect(report.liveVersionBefore == versions.last)
            #expect(report.warmStart?.hasPrefix("live checkpoint") == true, "warm start from the live model")
            #expect(report.reloads.count == 1 && report.reloads[0].ok && report.reloads[0].newVersion == v)
            #expect(server.snapshotVersion == v)
            #expect(try f.store.currentVersion() == v)
            #expect(report.window.count == 3 && report.window.last == f.generated[day].deletingPathExtension().lastPathComponent)
            #expect(report.steps.map(\.name) == RebuildRunner.steps)
            versions.append(v)
            usleep(200_000)  // let queries hit each version
        }
        querier.stop()
        #expect(querier.failures.withLock { $0 } == [], "zero failed queries")
        #expect(querier.successes.load(ordering: .relaxed) > 20)
        // keep = 3: the oldest of the four versions is pruned, and with it its bundle.
        let kept = try f.store.list()
        #expect(kept == Array(versions.suffix(3)))
        let bundles = try FileManager.default.contentsOfDirectory(atPath: f.paths.bundles.path)
        #expect(bundles.count == 3)
        // Reports and history.
        let history = RunReportStore(stateDirectory: f.paths.state).history(last: 10)
        #expect(history.map(\.status) == [.published, .published, .published, .published])
        #expect(history.last?.steps.count == RebuildRunner.steps.count)
        let status = try RebuildStatus.read(configuration: f.configuration)
        #expect(status.versions.filter(\.live).map(\.version) == [versions.last!])
        #expect(status.text.contains("* \(versions.last!)"))
        // Nothing new: the next run is a no-op.
        let again = try f.runner().run()
        #expect(again.status == .upToDate && again.exitStatus == 0)
        #expect(try f.store.currentVersion() == versions.last)
    }

    @Test func poisonedDayIsRejectedAndTheOldSnapshotKeepsServing() throws {
        var (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        let server = try f.startServer()
        defer { server.stop() }
        let querier = ContinuousQuerier(port: server.port, dimension: 16)
        try f.addDay(2, keep: 0.1)  // 90% of the newest day's events lost
        let report = try f.runner().run()
        querier.stop()
        #expect(report.status == .rejected)
        #expect(report.exitStatus == RebuildError.exitStatus(for: .gateRejected))
        #expect(report.reason?.contains("newest-day events") == true, "\(report.reason ?? "")")
        #expect(report.gate?.passed == false)
        #expect(report.publishedVersion == nil)
        #expect(report.steps.last?.name == "gate" && report.steps.last?.ok == false)
        #expect(try f.store.currentVersion() == v1)
        #expect(try f.store.list() == [v1])
        #expect(server.snapshotVersion == v1)
        #expect(querier.failures.withLock { $0 } == [])
        // The report on disk carries the reason.
        let saved = try RunReportStore(stateDirectory: f.paths.state).read(report.runID)
        #expect(saved.status == .rejected && saved.reason == report.reason)
    }

    @Test func recallFloorAndRecallDropRejectToo() throws {
        var (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        try f.addDay(2)
        // An IVF index on a tiny table cannot reach a 1.0 floor with one probe.
        let exportConfig = f.root.appendingPathComponent("export.toml")
        try "[index]\nflat_max_count = 1\nlarge_factory = \"IVF\"\nnprobe = 1\n[recall]\nfloor = 1.0\ntune_search_parameters = false\n"
            .write(to: exportConfig, atomically: true, encoding: .utf8)
        f.configuration.exportConfigPath = exportConfig.path
        let floor = try f.runner().run()
        #expect(floor.status == .rejected, "\(floor.reason ?? "")")
        #expect(floor.reason?.contains("recall floor") == true)
        #expect(try f.store.currentVersion() == v1)
        // Zero tolerance on Recall@50: the candidate must match the live model on the same held-out day.
        f.configuration.exportConfigPath = nil
        f.configuration.maxRecallDrop = 0
        let strict = try f.runner().run()
        let candidate = try #require(strict.candidate?.recall)
        let live = try #require(strict.live?.recall)
        #expect(strict.live?.recallSource == "live bundle on the same held-out day")
        #expect(strict.gate?.checks.contains { $0.name == "recall@50" } == true)
        if candidate < live {
            #expect(strict.status == .rejected && strict.reason?.contains("Recall@50") == true)
            #expect(try f.store.currentVersion() == v1)
        } else {
            #expect(strict.status == .published)
        }
    }

    @Test func rollbackRestoresThePreviousVersionOnARunningServer() throws {
        var (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        let server = try f.startServer()
        defer { server.stop() }
        try f.addDay(2)
        let v2 = try #require(try f.runner().run().publishedVersion)
        #expect(server.snapshotVersion == v2)
        let outcome = try RebuildRollback(configuration: f.configuration).run()
        #expect(outcome.previous == v2 && outcome.current == v1 && outcome.exitStatus == 0)
        #expect(outcome.reloads.count == 1 && outcome.reloads[0].ok)
        #expect(server.snapshotVersion == v1)
        #expect(try f.store.currentVersion() == v1)
        // Explicit version forward again; unknown versions are refused.
        #expect(try RebuildRollback(configuration: f.configuration).run(to: v2).current == v2)
        #expect(server.snapshotVersion == v2)
        #expect(throws: RebuildError.self) { try RebuildRollback(configuration: f.configuration).run(to: "20990101T000000.000Z-000000") }
        // A wrong admin token: the pointer moves, the server refuses, exit status says so.
        var wrong = f.configuration
        wrong.adminToken = "nope"
        let refused = try RebuildRollback(configuration: wrong).run(to: v1)
        #expect(refused.exitStatus == RebuildError.exitStatus(for: .reloadFailed))
        #expect(refused.reloads[0].ok == false)
        #expect(server.snapshotVersion == v2)
    }

    @Test func missingInputAndInterruptionFailWithTheirExitCodes() throws {
        let (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        try FileManager.default.removeItem(atPath: f.configuration.inputDirectory)
        let noInput = try f.runner().run()
        #expect(noInput.status == .failed && noInput.exitStatus == 66, "\(noInput.reason ?? "")")
        #expect(noInput.steps.last?.name == "window")
        try FileManager.default.createDirectory(atPath: f.configuration.inputDirectory, withIntermediateDirectories: true)
        try f.addDay(0)
        try f.addDay(1)
        try f.addDay(2)
        var options = RebuildOptions()
        options.shouldStop = { true }
        let interrupted = try RebuildRunner(configuration: f.configuration, options: options).run()
        #expect(interrupted.status == .interrupted && interrupted.exitStatus == 130)
        #expect(try f.store.currentVersion() == v1)
        let history = RunReportStore(stateDirectory: f.paths.state).history(last: 2)
        #expect(history.map(\.exitStatus) == [66, 130])
    }
}
