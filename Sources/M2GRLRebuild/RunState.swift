import Foundation
import M2GRLCore
import M2GRLData
import M2GRLTrainer
import Snapshot

/// The steps of one run and what they pass on to each other.
struct RunState {
    var report: RunReport
    let runner: RebuildRunner
    var stepIndex = 0

    var window: LogWindow?
    var dataset: PreparedDataset?
    var prepared: PrepareReport?
    var baseline: LiveBaseline?
    var bundle: ModelBundle?
    var staged: String?

    init(report: RunReport, runner: RebuildRunner) {
        self.report = report
        self.runner = runner
    }

    var paths: RebuildPaths { runner.paths }
    var configuration: RebuildConfiguration { runner.configuration }
    var log: @Sendable (String) -> Void { runner.options.log }

    /// Runs `body` as step `name`: logs start and end, times it, records it, then the crash hooks.
    private mutating func step(_ name: String, _ body: (inout RunState) throws -> String) throws {
        stepIndex += 1
        let total = RebuildRunner.steps.count
        if report.publishedVersion == nil, runner.options.shouldStop() {
            throw RebuildError(.interrupted, "interrupted before step \(name)")
        }
        log("[\(stepIndex)/\(total)] \(name) …")
        let started = ContinuousClock.now
        do {
            let detail = try body(&self)
            let seconds = Self.seconds(since: started)
            report.steps.append(RunReport.Step(name: name, seconds: seconds, ok: true, detail: detail))
            log("[\(stepIndex)/\(total)] \(name) done in \(String(format: "%.2f", seconds)) s" + (detail.isEmpty ? "" : ": \(detail)"))
        } catch {
            let seconds = Self.seconds(since: started)
            report.steps.append(RunReport.Step(name: name, seconds: seconds, ok: false, detail: "\(error)"))
            log("[\(stepIndex)/\(total)] \(name) FAILED after \(String(format: "%.2f", seconds)) s: \(error)")
            throw Self.classify(error, step: name)
        }
        RebuildCrashPoint.reached(name)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func classify(_ error: any Error, step: String) -> RebuildError {
        if let e = error as? RebuildError { return e }
        if let e = error as? TrainerError, e.code == .interrupted { return RebuildError(.interrupted, "\(step): \(e.message)") }
        return RebuildError(.stepFailed, "\(step): \(error)")
    }

    /// Records a failure in the report.
    mutating func fail(_ error: any Error) {
        let e = Self.classify(error, step: "run")
        switch e.code {
        case .gateRejected: report.status = .rejected
        case .interrupted: report.status = .interrupted
        default: report.status = .failed
        }
        report.exitStatus = e.exitStatus
        report.reason = e.message
    }

    mutating func execute() throws {
        let publisher = SnapshotPublisher(paths: paths, configuration: try configuration.exportConfiguration())
        let training = try configuration.trainingConfiguration()

        try step("recover") { s in
            let notes = try publisher.recover() + s.removeOldWork()
            s.report.recovered += notes
            return notes.isEmpty ? "nothing to recover" : notes.joined(separator: "; ")
        }
        try step("window") { s in
            let w = try LogWindow.select(directory: s.paths.input, count: s.configuration.windowDays)
            s.window = w
            s.report.window = w.days.map(\.date)
            s.report.cutoff = w.cutoff
            return "\(w.days.count) days \(w.days[0].date)…\(w.newestDay.date), newest held out"
        }
        guard let window else { return }
        let live = try LiveBaseline.read(paths: paths)
        report.liveVersionBefore = live?.version
        if let live, live.newestDay == window.newestDay.date, !runner.options.force {
            report.status = .upToDate
            report.exitStatus = 0
            report.reason = "live snapshot \(live.version) was built with newest day \(window.newestDay.date); nothing new (use --force to rebuild)"
            log(report.reason!)
            try step("reload") { s in try s.reloadServersBehind(live: live.version) }
            return
        }
        try step("prepare") { s in try s.prepare(window) }
        try step("baseline") { s in
            s.baseline = live
            guard let live else { return "no live snapshot: first publish, cold start, gate has no baseline" }
            return "live \(live.version); bundle: \(live.bundleNote)"
        }
        try step("train") { s in try s.train(training) }
        try step("evaluate") { s in try s.evaluate() }
        try step("gate") { s in
            let gate = QualityGate(maxRecallDrop: s.configuration.maxRecallDrop, maxCountShrink: s.configuration.maxCountShrink,
                                   k: s.configuration.gateK)
            let decision = gate.decide(candidate: s.report.candidate ?? GateMetrics(), live: s.report.live)
            s.report.gate = decision
            guard decision.passed else {
                throw RebuildError(.gateRejected, "quality gate: " + decision.reasons.joined(separator: "; "))
            }
            return decision.checks.isEmpty ? "no baseline, passed" : "\(decision.checks.count) checks passed"
        }
        try step("keep-bundle") { s in
            let dir = s.paths.bundle(s.report.runID)
            try DurableOps.removeIfPresent(dir)
            do {
                try s.bundle!.write(to: dir)
                let checkpoint = s.paths.work(s.report.runID).appendingPathComponent(RebuildPaths.checkpointName)
                if FileManager.default.fileExists(atPath: checkpoint.path) {
                    try FileManager.default.moveItem(at: checkpoint, to: dir.appendingPathComponent(RebuildPaths.checkpointName))
                }
            } catch { throw RebuildError(.stepFailed, "keep-bundle: \(error)") }
            return dir.path
        }
        try step("export") { s in
            let log = s.log
            let version = try publisher.stage(s.bundle!) { line in
                if !line.hasPrefix("published ") { log("  export: \(line)") }  // the staging store's own pointer
            }
            s.staged = version
            return "staged \(version)"
        }
        try step("verify") { s in
            try publisher.verify(version: s.staged!, expectedItems: s.bundle!.table(named: "item")?.count ?? 0)
        }
        try step("publish") { s in
            try publisher.publish(version: s.staged!, runID: s.report.runID)
            s.report.publishedVersion = s.staged
            return "current → \(s.staged!)"
        }
        report.status = .published
        try step("reload") { s in try s.reloadServers() }
        try step("prune") { s in try s.prune(publisher.store) }
    }
}
