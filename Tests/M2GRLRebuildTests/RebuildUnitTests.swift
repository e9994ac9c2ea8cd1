import Foundation
import Synchronization
import Testing
@testable import M2GRLRebuild

@Suite struct RebuildConfigurationTests {
    @Test func parsesTheSampleConfiguration() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/rebuild.toml")
        let c = try RebuildConfiguration.load(from: url.path)
        #expect(c.windowDays == 7 && c.keepVersions == 5 && c.gateK == 50)
        #expect(c.servers == ["127.0.0.1:7700"] && c.dailyAt == "03:00")
        #expect(c.maxRecallDrop == 0.10 && c.maxCountShrink == 0.5)
        #expect(c.trainConfigPath == "Config/train-sparse.toml")
        #expect(try c.serverAddresses() == [ServerAddress(host: "127.0.0.1", port: 7700)])
    }

    @Test(arguments: [
        "[window]\ndays = 1\n", "[gate]\nmax_recall_drop = 1.5\n", "[servers]\naddresses = [\"nohost\"]\n",
        "[schedule]\ndaily_at = \"25:00\"\n", "[paths]\nunknown = 1\n", "[train]\nset = [\"noequals\"]\n",
        "[export]\nkeep = 0\n", "[window]\ndays = \"seven\"\n", "[paths\n",
    ])
    func refusesBadConfigurations(text: String) {
        do {
            _ = try RebuildConfiguration.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.exitStatus == 78)
        }
    }

    @Test func environmentTokenOverridesTheFile() {
        var c = RebuildConfiguration()
        c.adminToken = "file"
        #expect(c.resolvedAdminToken(environment: [:]) == "file")
        #expect(c.resolvedAdminToken(environment: [RebuildConfiguration.adminTokenEnvironmentKey: "env"]) == "env")
    }

    @Test func trainingOverridesApplyAndSelectionIsOff() throws {
        var c = RebuildConfiguration()
        c.trainOverrides = ["model.dimension=16", "training.epochs=2"]
        let t = try c.trainingConfiguration()
        #expect(t.dimension == 16 && t.epochs == 2 && t.selectBest == false && t.evaluationK == 50)
        c.trainOverrides = ["model.nonsense=1"]
        #expect(throws: RebuildError.self) { try c.trainingConfiguration() }
    }
}

@Suite struct LogWindowTests {
    func directory(_ names: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-window-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for n in names { try Data("user\titem\ttimestamp\n".utf8).write(to: dir.appendingPathComponent(n)) }
        return dir
    }

    @Test func selectsTheNewestDaysAndCutsAtTheNewest() throws {
        let dir = try directory(["2026-10-30.tsv", "2026-11-01.tsv.gz", "2026-10-31.tsv", "notes.txt", "2026-13-01.tsv", ".2026-11-02.tsv"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try LogWindow.select(directory: dir.path, count: 2)
        #expect(w.days.map(\.date) == ["2026-10-31", "2026-11-01"])
        #expect(w.cutoff == 1_793_491_200)  // 2026-11-01T00:00:00Z
        #expect(w.files.last!.hasSuffix("2026-11-01.tsv.gz"))
        #expect(try LogWindow.select(directory: dir.path, count: 10).days.count == 3)
    }

    @Test func needsTwoDays() throws {
        let dir = try directory(["2026-11-01.tsv"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: RebuildError.self) { try LogWindow.select(directory: dir.path, count: 3) }
        #expect(throws: RebuildError.self) { try LogWindow.select(directory: dir.path + "/missing", count: 3) }
    }

    @Test func dayStartMatchesFoundation() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 11, 26), (2100, 3, 1)] {
            let date = cal.date(from: DateComponents(year: y, month: m, day: d))!
            let text = String(format: "%04d-%02d-%02d", y, m, d)
            #expect(LogWindow.dayStart(text) == Int64(date.timeIntervalSince1970))
        }
        #expect(LogWindow.dayStart("2026-1-01") == nil)
    }
}

@Suite struct DailyScheduleTests {
    @Test func nextFireIsTodayOrTomorrowAtTheLocalTime() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let s = try DailySchedule(parsing: "03:00")
        let before = cal.date(from: DateComponents(year: 2026, month: 11, day: 26, hour: 2, minute: 59))!
        let after = cal.date(from: DateComponents(year: 2026, month: 11, day: 26, hour: 3, minute: 0))!
        #expect(cal.dateComponents([.day, .hour, .minute], from: s.nextFire(after: before, calendar: cal)) == DateComponents(day: 26, hour: 3, minute: 0))
        #expect(cal.dateComponents([.day, .hour, .minute], from: s.nextFire(after: after, calendar: cal)) == DateComponents(day: 27, hour: 3, minute: 0))
        // Spring forward: 02:30 does not exist on 2027-03-28 in Berlin; the schedule still fires that day.
        let gap = try DailySchedule(parsing: "02:30")
        let evening = cal.date(from: DateComponents(year: 2027, month: 3, day: 27, hour: 23))!
        let fire = gap.nextFire(after: evening, calendar: cal)
        #expect(cal.component(.day, from: fire) == 28)
        #expect(throws: RebuildError.self) { try DailySchedule(parsing: "3") }
        #expect(throws: RebuildError.self) { try DailySchedule(parsing: "03:60") }
    }
}

@Suite struct QualityGateTests {
    let gate = QualityGate(maxRecallDrop: 0.1, maxCountShrink: 0.5, k: 50)
    let live = GateMetrics(recall: 0.20, windowEvents: 10_000, newestDayEvents: 3000, items: 4000)

    @Test func passesWithoutBaselineAndWithinLimits() {
        #expect(gate.decide(candidate: GateMetrics(recall: 0.01, windowEvents: 1, newestDayEvents: 1, items: 1), live: nil).passed)
        let ok = gate.decide(candidate: GateMetrics(recall: 0.181, windowEvents: 5000, newestDayEvents: 1500, items: 2000), live: live)
        #expect(ok.passed && ok.checks.count == 4 && ok.reasons.isEmpty)
    }

    @Test func refusesEachShrinkAndARecallDrop() {
        let recall = gate.decide(candidate: GateMetrics(recall: 0.17, windowEvents: 10_000, newestDayEvents: 3000, items: 4000), live: live)
        #expect(!recall.passed && recall.reasons.count == 1 && recall.reasons[0].hasPrefix("Recall@50 0.1700 is below 0.1800"))
        let poisoned = gate.decide(candidate: GateMetrics(recall: 0.3, windowEvents: 7000, newestDayEvents: 300, items: 4000), live: live)
        #expect(!poisoned.passed && poisoned.reasons.count == 1 && poisoned.reasons[0].hasPrefix("newest-day events 300 is below 1500"))
        let items = gate.decide(candidate: GateMetrics(recall: 0.3, windowEvents: 4999, newestDayEvents: 3000, items: 1999), live: live)
        #expect(items.reasons.count == 2)
    }
}

@Suite struct RebuildLockTests {
    @Test func secondHolderIsRefusedAndADeadHolderIsStale() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try RebuildLock.acquire(in: dir, runID: "a")
        #expect(first.staleHolder == nil)
        #expect(RebuildLock.isHeld(in: dir))
        #expect(RebuildLock.recordedHolder(in: dir)?.runID == "a")
        do {
            _ = try RebuildLock.acquire(in: dir, runID: "b")
            Issue.record("second acquire succeeded")
        } catch {
            #expect(error.code == .busy && error.message.contains("run a"))
        }
        first.release()
        #expect(!RebuildLock.isHeld(in: dir))
        // A released lock leaves no holder; a holder left in the file means its process died.
        let clean = try RebuildLock.acquire(in: dir, runID: "c")
        #expect(clean.staleHolder == nil)
        clean.release()
        let dead = #"{"pid":999999,"startedAt":"2026-11-26T03:00:00Z","runID":"dead"}"#
        try Data(dead.utf8).write(to: dir.appendingPathComponent("rebuild.lock"))
        let recovered = try RebuildLock.acquire(in: dir, runID: "d")
        #expect(recovered.staleHolder?.pid == 999999 && recovered.staleHolder?.runID == "dead")
        recovered.release()
    }
}

@Suite struct RebuildDaemonTests {
    /// The daemon waits for the scheduled time (a fake clock jumps there), runs once, and stops when asked.
    @Test func runsAtTheScheduledTimeThenStops() throws {
        let (f, live) = try RebuildFixture.published()
        defer { f.remove() }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let start = cal.date(from: DateComponents(year: 2026, month: 11, day: 26, hour: 2, minute: 59, second: 59))!
        let calls = Mutex(0)
        let runs = Mutex<[Result<RunReport, RebuildError>]>([])
        var options = RebuildOptions()
        options.shouldStop = { runs.withLock { $0.count } >= 1 }
        var c = f.configuration
        c.dailyAt = "03:00"
        let daemon = RebuildDaemon(configuration: c, options: options) { r in runs.withLock { $0.append(r) } }
        try daemon.run(now: { calls.withLock { $0 += 1; return start.addingTimeInterval(Double($0 - 1) * 0.5) } }, calendar: cal)
        let results = runs.withLock { $0 }
        #expect(results.count == 1)
        let report = try results[0].get()
        #expect(report.status == .upToDate && report.liveVersionBefore == live)  // no new day since the publish
        #expect(calls.withLock { $0 } >= 3, "the daemon waited for 03:00")
    }
}
