import Foundation
import M2GRLCore
import M2GRLData
import Synchronization

/// Trains M2GRL (M2GRL.md §2): intra-view skip-gram tasks, inter-view alignment tasks and
/// uncertainty-weighted multi-task loss, multi-threaded Hogwild-style over shards of a shuffled
/// example stream; bit-reproducible with one thread and a fixed seed.
public final class M2GRLTrainer: Sendable {
    public let dataset: PreparedDataset
    public let config: TrainingConfiguration
    public let plan: TaskPlan
    public let corpus: TrainingCorpus
    public let parameters: ModelParameters
    /// Worker threads actually used.
    public let threads: Int
    private let examplesDone = Atomic<Int>(0)

    public init(dataset: PreparedDataset, config: TrainingConfiguration) throws {
        try config.validate()
        self.dataset = dataset
        self.config = config
        plan = try TaskPlan(dataset: dataset, config: config)
        corpus = try TrainingCorpus(dataset: dataset, plan: plan, config: config)
        parameters = ModelParameters(dataset: dataset, plan: plan, dimension: config.dimension,
                                     adam: config.optimizer == .adam, seed: config.seed)
        threads = config.threads == 0 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : config.threads
    }

    /// Runs the configured epochs; the trainer then holds the selected parameters (see `export`).
    public func train(_ options: TrainingOptions = TrainingOptions()) throws -> TrainingResult {
        var startEpoch = 0
        var steps = 0
        var history: [EpochSummary] = []
        var best: (epoch: Int, recall: Double, report: EvaluationReport?, snapshot: ParameterSnapshot?)? = nil
        var sinceBest = 0
        var stoppedEarly = false
        /// Early stopping: a selection split, a patience, and that many epochs without improvement.
        let patienceExhausted = { (since: Int) in options.selection != nil && self.config.patience > 0 && since >= self.config.patience }
        if options.resume, let dir = options.checkpointDirectory, TrainerCheckpoint.exists(in: dir) {
            let ck = try TrainerCheckpoint.read(from: dir)
            try ck.restore(into: self)
            startEpoch = ck.state.epochsDone
            steps = ck.state.steps
            history = ck.state.history
            if let e = ck.state.bestEpoch, let r = ck.state.bestRecall {
                best = (e, r, nil, ck.bestSnapshot)
                sinceBest = ck.state.sinceBest ?? (startEpoch - e)
            }
            stoppedEarly = ck.state.stopped ?? (best != nil && patienceExhausted(sinceBest))
            options.progress?("resuming from \(dir.path) after epoch \(startEpoch)" + (stoppedEarly ? " (the run had stopped early: nothing to train)\n" : "\n"))
        } else {
            if options.resume, let dir = options.checkpointDirectory {
                options.progress?("no checkpoint in \(dir.path): starting from epoch 1\n")
            }
            if let warm = options.warmStart {
                let kept = try warm.apply(to: self)
                let counts = dataset.views.compactMap { v in kept[v.name].map { "\(v.name) \($0) rows kept, \(max(v.nodeCount - 1 - $0, 0)) fresh" } }
                options.progress?("warm start: " + counts.joined(separator: "; ") + "\n")
            }
        }
        // The log of a resumed run continues the checkpoint's (records of unfinished epochs dropped).
        if options.resume { try options.log?.rewind(phase: options.logPhase, epochsKept: startEpoch, names: plan.names) }
        let workers = (0..<threads).map { _ in
            TrainingWorker(parameters: parameters, corpus: corpus, plan: plan, config: config, steps: steps)
        }
        let perEpoch = corpus.units.count
        let totalUnits = perEpoch * max(config.epochs, config.scheduleEpochs)
        let initFresh = startEpoch == 0 && options.warmStart == nil
        var interrupted = false
        var diverged = false
        let runStart = Date()
        for epoch in startEpoch..<(stoppedEarly ? startEpoch : config.epochs) {
            let started = Date()
            let units = SharedBuffer(corpus.shuffledUnits(seed: config.seed, epoch: epoch))
            let shard = (perEpoch + threads - 1) / threads
            examplesDone.store(0, ordering: .relaxed)
            let stop = options.shouldStop
            let progress = ProgressLine(sink: options.progress, epoch: epoch, epochs: config.epochs, names: plan.names,
                                        expectedExamples: expectedExamplesPerEpoch, runStart: runStart, epochsBefore: epoch - startEpoch,
                                        k: options.selection?.k ?? config.evaluationK)
            let log = options.log
            let logEvery = config.logEvery
            let phase = options.logPhase
            do {
                let buf = units
                let work: @Sendable (Int) -> Void = { [self] t in
                    let lo = min(t * shard, perEpoch), hi = min(lo + shard, perEpoch)
                    var rng = Xoshiro256(seed: config.seed, stream: 4, UInt64(epoch), UInt64(t))
                    workers[t].run(units: buf, range: lo..<hi, epoch: epoch, rng: &rng, progressBase: epoch * perEpoch,
                                   totalUnits: totalUnits, threads: threads,
                                   initFromLoss: config.weightInitFromLoss && t == 0 && initFresh, shouldStop: stop) { n, report in
                        let done = examplesDone.add(n, ordering: .relaxed).newValue
                        guard t == 0, let report else { return }
                        if report.step % logEvery == 0 { log?.record(report, names: self.plan.names, phase: phase) }
                        progress.update(examples: done, report: report)
                    }
                }
                if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
            }
            if options.shouldStop() { interrupted = true; break }
            steps = workers[0].steps
            var losses = [Double](repeating: 0, count: plan.count)
            var counts = [Int](repeating: 0, count: plan.count)
            for w in workers { for t in 0..<plan.count { losses[t] += w.epochLoss[t]; counts[t] += w.epochExamples[t] } }
            let s = parameters.logVariance.values.pointer
            let weights = TaskWeights(config: config, names: plan.names)
            var summary = EpochSummary(
                epoch: epoch + 1, losses: (0..<plan.count).map { counts[$0] > 0 ? losses[$0] / Double(counts[$0]) : .nan },
                variances: (0..<plan.count).map { Double(weights.variance($0, logVariance: s)) },
                examples: examplesDone.load(ordering: .relaxed), seconds: Date().timeIntervalSince(started))
            if let failure = divergence(summary, counts: counts) {
                // With the best finite epoch kept, a later divergence ends the run there.
                guard config.selectBest, let b = best, b.snapshot != nil else { throw divergedError(epoch: epoch + 1, failure) }
                options.progress?("epoch \(epoch + 1) diverged (\(failure)): stopping, keeping epoch \(b.epoch)\n")
                diverged = true
                stoppedEarly = true
                break
            }
            if let evaluator = options.selection {
                let report = evaluator.evaluate(table: itemTable())
                summary.selectionRecall = report.recallMean
                if best == nil || report.recallMean > best!.recall {
                    best = (epoch + 1, report.recallMean, report, config.selectBest ? ParameterSnapshot(parameters) : nil)
                    sinceBest = 0
                } else {
                    sinceBest += 1
                }
            }
            history.append(summary)
            progress.finish(summary)
            log?.record(summary, names: plan.names, phase: options.logPhase)
            if patienceExhausted(sinceBest) { stoppedEarly = true }
            if let dir = options.checkpointDirectory {
                try TrainerCheckpoint(trainer: self, epochsDone: epoch + 1, steps: steps, history: history,
                                      bestEpoch: best?.epoch, bestRecall: best?.recall, bestSnapshot: best?.snapshot,
                                      sinceBest: sinceBest, stopped: stoppedEarly).write(to: dir)
            }
            if stoppedEarly { break }
        }
        var selected = history.last?.epoch ?? startEpoch
        var report = best?.report
        if config.selectBest, let b = best, let snap = b.snapshot, b.epoch != selected || diverged {
            snap.restore(into: parameters)
            selected = b.epoch
        }
        if options.selection != nil, report == nil || best?.epoch != selected {
            report = options.selection!.evaluate(table: itemTable())
        }
        if !interrupted, let bad = firstNonFiniteParameter() {
            throw divergedError(epoch: selected, "\(bad) holds non-finite values")
        }
        return TrainingResult(epochs: history, selectedEpoch: selected, selectionReport: report,
                              interrupted: interrupted, stoppedEarly: stoppedEarly, diverged: diverged)
    }

    /// Expected positive examples per epoch (the dynamic window sees ≈ (c+1)/2 of each side).
    var expectedExamplesPerEpoch: Int {
        var n = 0
        for (t, task) in plan.intra.enumerated() {
            _ = task
            n += corpus.unitCounts[t] * (config.dynamicWindow ? (config.window + 1) : 2 * config.window)
        }
        for a in plan.alignment.indices { n += corpus.unitCounts[plan.intra.count + a] }
        return n
    }

    /// The item view's input table with external ids (rows for every node except the reserved 0).
    public func itemTable() -> EmbeddingTable { ModelExporter.viewTable(self, view: 0) }
}
