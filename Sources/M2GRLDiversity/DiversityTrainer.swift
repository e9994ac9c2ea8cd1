import Dispatch
import M2GRLCore

/// Trains `L_i` and `L_ic` on labelled pairs with minibatch Adam or SGD.
///
/// Each minibatch is split into one contiguous chunk per thread; chunk gradients are summed in
/// chunk order, so a run is deterministic for a given seed and thread count (and with one thread,
/// independent of the machine). Model selection keeps the epoch with the lowest held-out loss.
public struct DiversityTrainer: Sendable {
    public let configuration: DiversityConfiguration

    public init(configuration: DiversityConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Trains a model on `features` with pairs from `sampler`.
    /// - Parameters:
    ///   - alignment: the frozen `W` that produced `features.relational` (stored in the model).
    ///   - progress: print a progress line on stderr.
    ///   - shouldStop: polled between batches; returning true ends training with the best model so far.
    ///   - onEpoch: called with each epoch's record (e.g. to append a JSON-lines log).
    public func train(features: DiversityFeatures, sampler: PairSampler, alignment: ProjectionMatrix,
                      progress: Bool = false, shouldStop: @Sendable () -> Bool = { false },
                      onEpoch: (DiversityEpochRecord) throws -> Void = { _ in }) throws -> DiversityTrainingResult {
        let cfg = configuration
        guard alignment.rows == features.relationalDimension, alignment.columns == features.itemDimension else {
            throw DiversityError(.invalidInput, "W is \(alignment.rows)×\(alignment.columns), features are \(features.itemDimension)+\(features.relationalDimension)")
        }
        guard !sampler.positives.isEmpty else {
            throw DiversityError(.noData, "no positive pairs: no session has items of different categories within \(cfg.window) positions")
        }
        var rng = SeededGenerator(seed: cfg.seed)
        var model = try initialModel(features: features, sampler: sampler, alignment: alignment, rng: &rng)

        // Held-out split of positives, plus a fixed held-out negative set.
        var positives = sampler.positives
        positives.shuffle(using: &rng)
        let heldCount = cfg.validationFraction > 0 ? max(1, Int((Double(positives.count) * cfg.validationFraction).rounded())) : 0
        guard positives.count - heldCount >= 1 else {
            throw DiversityError(.noData, "only \(positives.count) positive pairs: nothing left to train on after the held-out share")
        }
        var heldOut = Array(positives.prefix(heldCount))
        heldOut += sampler.negatives(count: Int((Double(heldCount) * cfg.negativeRatio).rounded()), sampling: cfg.negativeSampling, using: &rng)
        let trainPositives = Array(positives.dropFirst(heldCount))
        let negativesPerEpoch = Int((Double(trainPositives.count) * cfg.negativeRatio).rounded())
        let pairsPerEpoch = trainPositives.count + negativesPerEpoch

        let threads = cfg.threads > 0 ? cfg.threads : max(1, ProcessInfoCores.active)
        let workers = (0..<threads).map { _ in
            GradientWorker(p: model.projectionDimension, itemDimension: features.itemDimension, relationalDimension: features.relationalDimension)
        }
        var optI = FactorOptimizer(kind: cfg.optimizer, learningRate: cfg.learningRate, count: model.itemFactor.values.count)
        var optR = FactorOptimizer(kind: cfg.optimizer, learningRate: cfg.learningRate, count: model.relationalFactor.values.count)

        var history: [DiversityEpochRecord] = []
        let initial = heldOut.isEmpty ? nil : try model.statistics(of: heldOut, in: features)
        var best = model, bestEpoch = 0, bestLoss = initial?.loss ?? .infinity, sinceBest = 0
        let first = DiversityEpochRecord(epoch: 0, trainLoss: nil, validation: initial, pairs: 0, seconds: 0, best: true)
        history.append(first)
        try onEpoch(first)

        let reporter = ProgressReporter(label: "train-diversity", unit: "pairs", total: Double(pairsPerEpoch * cfg.epochs), enabled: progress)
        var interrupted = false
        let clock = ContinuousClock()
        epochs: for epoch in stride(from: 1, through: cfg.epochs, by: 1) {
            let started = clock.now
            var pairs = trainPositives + sampler.negatives(count: negativesPerEpoch, sampling: cfg.negativeSampling, using: &rng)
            pairs.shuffle(using: &rng)
            var lossSum = 0.0, done = 0
            var start = 0
            while start < pairs.count {
                if shouldStop() { interrupted = true; break }
                let end = min(start + cfg.batchSize, pairs.count)
                lossSum += step(pairs[start..<end], model: &model, workers: workers, features: features, optI: &optI, optR: &optR)
                done += end - start
                reporter.advance(by: Double(end - start), detail: "epoch \(epoch)/\(cfg.epochs) loss \(format(lossSum / Double(done)))")
                start = end
            }
            let stats = heldOut.isEmpty ? nil : try model.statistics(of: heldOut, in: features)
            let improved = stats.map { $0.loss < bestLoss } ?? true
            if improved { best = model; bestEpoch = epoch; bestLoss = stats?.loss ?? bestLoss; sinceBest = 0 } else { sinceBest += 1 }
            let elapsed = (clock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            let record = DiversityEpochRecord(epoch: epoch, trainLoss: done > 0 ? lossSum / Double(done) : nil, validation: stats,
                                              pairs: done, seconds: seconds, best: improved)
            history.append(record)
            try onEpoch(record)
            if interrupted { break epochs }
            if cfg.patience > 0 && sinceBest >= cfg.patience && !heldOut.isEmpty { break epochs }
        }
        reporter.finish(detail: "best epoch \(bestEpoch), held-out loss \(format(bestLoss))")
        return DiversityTrainingResult(model: heldOut.isEmpty ? model : best, history: history,
                                       bestEpoch: heldOut.isEmpty ? history.count - 1 : bestEpoch, interrupted: interrupted,
                                       positivePairs: sampler.positives.count, heldOutPairs: heldOut)
    }

    /// One minibatch update; returns the summed loss of the batch (before the update).
    private func step(_ batch: ArraySlice<LabeledPair>, model: inout DiversityMetricModel, workers: [GradientWorker],
                      features: DiversityFeatures, optI: inout FactorOptimizer, optR: inout FactorOptimizer) -> Double {
        let li = model.itemFactor.values, lic = model.relationalFactor.values
        let margin = model.margin
        let chunks = min(workers.count, batch.count)
        let per = (batch.count + chunks - 1) / chunks
        let base = batch.startIndex
        if chunks == 1 {
            workers[0].run(batch, features: features, itemFactor: li, relationalFactor: lic, margin: margin)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let lo = base + c * per, hi = min(base + (c + 1) * per, batch.endIndex)
                workers[c].run(batch[lo..<max(lo, hi)], features: features, itemFactor: li, relationalFactor: lic, margin: margin)
            }
        }
        var gI = Array(workers[0].gradItem), gR = Array(workers[0].gradRelational)
        var loss = workers[0].loss
        for c in 1..<max(chunks, 1) {
            for k in gI.indices { gI[k] += workers[c].gradItem[k] }
            for k in gR.indices { gR[k] += workers[c].gradRelational[k] }
            loss += workers[c].loss
        }
        let scale = 1 / Float(batch.count)
        for k in gI.indices { gI[k] *= scale }
        for k in gR.indices { gR[k] *= scale }
        optI.update(&model.itemFactor.values, gradient: gI)
        optR.update(&model.relationalFactor.values, gradient: gR)
        return loss
    }

    /// Initial factors, each rescaled so a random pair's mean projected distance is m²/2
    /// (together ≈ m²: about half the random pairs start inside the margin).
    func initialModel(features: DiversityFeatures, sampler: PairSampler, alignment: ProjectionMatrix,
                      rng: inout SeededGenerator) throws -> DiversityMetricModel {
        let cfg = configuration
        let p = cfg.projectionDimension > 0 ? cfg.projectionDimension : features.itemDimension
        func make(_ columns: Int) throws -> ProjectionMatrix {
            switch cfg.initialization {
            case .scaledIdentity where p <= columns: try .identity(rows: p, columns: columns)
            default: try .gaussian(rows: p, columns: columns, scale: 1, using: &rng)
            }
        }
        var model = try DiversityMetricModel(itemFactor: make(features.itemDimension), relationalFactor: make(features.relationalDimension),
                                             alignment: alignment, margin: cfg.margin, relation: cfg.relation, itemTable: cfg.itemTable,
                                             normalizesItems: cfg.normalizeItems)
        let sample = sampler.negatives(count: 2000, sampling: cfg.negativeSampling, using: &rng)
        var si = 0.0, sr = 0.0
        for pair in sample {
            let (di, dr) = try model.distances(Int(pair.a), Int(pair.b), in: features)
            si += di
            sr += dr
        }
        let target = cfg.margin * cfg.margin / 2
        let n = Double(max(sample.count, 1))
        if si > 0 { let s = Float((target / (si / n)).squareRoot()); for k in model.itemFactor.values.indices { model.itemFactor.values[k] *= s } }
        if sr > 0 { let s = Float((target / (sr / n)).squareRoot()); for k in model.relationalFactor.values.indices { model.relationalFactor.values[k] *= s } }
        return model
    }

    private func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        let scaled = (x * 10000).rounded() / 10000
        return "\(scaled)"
    }
}
