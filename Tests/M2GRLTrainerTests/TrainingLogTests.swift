import Foundation
import M2GRLCore
import Synchronization
import Testing
@testable import M2GRLTrainer

/// The log and plot of an interrupted and resumed run equal the uninterrupted run's; records say
/// which phase (selection or final run) they belong to; the plot draws each phase on its own axes.
@Suite struct TrainingLogTests {
    static func tempDir() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-log-\(UUID().uuidString)") }

    /// The log's lines without the wall times.
    static func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .map { String($0).replacing(#/"seconds":[^,]+,/#, with: "") }
    }

    /// Stops after `n` polls (a poll happens before every mini-batch).
    static func stopAfter(_ n: Int) -> @Sendable () -> Bool {
        let polls = Atomic<Int>(0)
        return { polls.add(1, ordering: .relaxed).newValue > n }
    }

    @Test func resumedLogAndPlotEqualTheUninterruptedRun() throws {
        let ds = ToyData.clustered(sessions: 80)
        let config = ToyData.config { $0.epochs = 3; $0.logEvery = 1; $0.batchSize = 128 }
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func run(_ name: String, resume: Bool, stop: @escaping @Sendable () -> Bool) throws -> (TrainingResult, TrainingLog) {
            let log = try TrainingLog(url: dir.appendingPathComponent("\(name).jsonl"), append: resume)
            var options = TrainingOptions()
            options.log = log
            options.checkpointDirectory = dir.appendingPathComponent("\(name).ck")
            options.resume = resume
            options.shouldStop = stop
            let r = try M2GRLTrainer(dataset: ds, config: config).train(options)
            log.close()
            return (r, log)
        }
        let (_, full) = try run("full", resume: false) { false }
        let perEpoch = full.points.count / 3
        #expect(perEpoch >= 3)
        let (cut, _) = try run("cut", resume: false, stop: Self.stopAfter(perEpoch + 2))  // in epoch 2
        #expect(cut.interrupted && cut.epochs.count == 1)
        let (_, resumed) = try run("cut", resume: true) { false }
        #expect(try Self.lines(dir.appendingPathComponent("cut.jsonl")) == Self.lines(dir.appendingPathComponent("full.jsonl")))
        #expect(resumed.points == full.points)
        let names = try TaskPlan(dataset: ds, config: config).names
        #expect(LossCurvePlot.svg(points: resumed.points, names: names) == LossCurvePlot.svg(points: full.points, names: names))
    }

    /// A model-selection pipeline interrupted during selection: exits with `.interrupted`, and a
    /// resume continues the selection from its checkpoint; model, log and plot equal the uninterrupted run's.
    @Test func selectionPhaseIsCheckpointedAndTagged() throws {
        let valid = ToyData.clustered(sessions: 80, seed: 1)
        var test = ToyData.clustered(sessions: 80, seed: 2)
        test.source["split"] = "test"
        let config = ToyData.config { $0.epochs = 4; $0.selectBest = true; $0.patience = 2; $0.evaluationK = 5; $0.logEvery = 1; $0.batchSize = 128 }
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func run(_ name: String, resume: Bool, stop: @escaping @Sendable () -> Bool) throws -> (TrainingPipeline.Outcome, TrainingLog) {
            let log = try TrainingLog(url: dir.appendingPathComponent("\(name).jsonl"), append: resume)
            defer { log.close() }
            var options = TrainingOptions()
            options.log = log
            options.checkpointDirectory = dir.appendingPathComponent("\(name).ck")
            options.resume = resume
            options.shouldStop = stop
            return (try TrainingPipeline(config: config, options: options).run(data: test, validation: valid), log)
        }
        let (full, fullLog) = try run("full", resume: false) { false }
        let selectionSteps = fullLog.points.filter { $0.phase == "selection" }.count
        let stepsPerEpoch = selectionSteps / (full.selection?.epochs.count ?? 1)
        do {
            _ = try run("cut", resume: false, stop: Self.stopAfter(stepsPerEpoch + 2))
            Issue.record("the interrupted selection returned normally")
        } catch let e as TrainerError {
            #expect(e.code == .interrupted && e.message.contains("--resume"), "\(e.message)")
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cut.ck/selection/checkpoint.json").path))
        let (resumed, resumedLog) = try run("cut", resume: true) { false }
        #expect(resumed.selection?.selectedEpoch == full.selection?.selectedEpoch)
        #expect(resumed.bundle.tables == full.bundle.tables)
        #expect(resumed.bundle.metrics == full.bundle.metrics)
        let lines = try Self.lines(dir.appendingPathComponent("cut.jsonl"))
        #expect(try lines == Self.lines(dir.appendingPathComponent("full.jsonl")))
        #expect(resumedLog.points == fullLog.points)

        // Every record names its phase; the selection records come first; steps rise within a phase.
        #expect(lines.allSatisfy { $0.contains("\"phase\":\"selection\"") || $0.contains("\"phase\":\"final\"") })
        let phases = lines.map { $0.contains("\"phase\":\"selection\"") ? 0 : 1 }
        #expect(phases == phases.sorted() && phases.contains(0) && phases.contains(1))
        for phase in TrainingLog.phases {
            let steps = fullLog.points.filter { $0.phase == phase }.map(\.step)
            #expect(steps == steps.sorted() && !steps.isEmpty)
        }
        // The plot draws each phase in its own row of panels: no polyline runs backwards.
        let svg = LossCurvePlot.svg(points: fullLog.points, names: full.trainer.plan.names)
        #expect(svg.contains("model selection (validation split)") && svg.contains("final run"))
        for match in svg.matches(of: #/points="([^"]*)"/#) {
            let xs = match.output.1.split(separator: " ").map { Double($0.split(separator: ",")[0])! }
            #expect(xs == xs.sorted())
        }
    }

    @Test func reloadedPointsAreBitExact() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("t.jsonl")
        let log = try TrainingLog(url: url)
        let names = ["item", "category", "align.category"]
        var rng = Xoshiro256(seed: 3, stream: 0)
        for step in 1...200 {
            let losses: [Float] = [rng.unitFloat() * 7, step % 3 == 0 ? .nan : rng.unitFloat(), rng.unitFloat() / 1000]
            log.record(BatchReport(step: step, epoch: step / 100, losses: losses, variances: [0.05, rng.unitFloat() + 1e-7, .infinity]),
                       names: names, phase: "final")
        }
        let written = log.points
        try log.rewind(phase: "final", epochsKept: 3, names: names)
        #expect(log.points == written)
        try log.rewind(phase: "final", epochsKept: 1, names: names)
        #expect(log.points == Array(written.prefix(99)))
        log.close()
        // Non-finite values are written as JSON null.
        #expect(try String(contentsOf: url, encoding: .utf8).contains("\"sigma2\":null"))
    }
}
