import Foundation

/// Statistics a worker reports for one mini-batch.
public struct BatchReport: Sendable {
    /// Global step (per worker 0's count) and epoch.
    public var step: Int
    public var epoch: Int
    /// Batch-mean loss per task (NaN when the task had no example in the batch).
    public var losses: [Float]
    /// `σ_t²` per task after the step.
    public var variances: [Float]
}

/// One training thread: walks its shard of the shuffled unit stream in mini-batches.
///
/// `@unchecked Sendable`: each worker is used by exactly one thread at a time; the parameters it
/// writes are shared Hogwild-style (see `FloatStorage`).
final class TrainingWorker: @unchecked Sendable {
    let parameters: ModelParameters
    let corpus: TrainingCorpus
    let plan: TaskPlan
    let config: TrainingConfiguration
    let weights: TaskWeights
    let adam: AdamUpdater
    let weightAdam: AdamUpdater
    var accumulating: AccumulatingSink?
    var direct: DirectSink
    /// SGD with several threads: each worker adds its alignment-matrix gradients into private
    /// `d×d` buffers and applies them to the shared matrices once per batch. Written per example by
    /// every thread, a shared 64 KiB `W` (d 128) bounced between the cores: 2 threads ran no faster
    /// than 1. Single-thread runs write straight into `W` as before (bit-identical).
    var batchedMatrices: [UnsafeMutablePointer<Float>] = []
    let scratch: UnsafeMutablePointer<Float>
    let alignScratch: AlignmentScratch
    let negatives: UnsafeMutablePointer<Int32>
    let maxNegatives: Int
    /// Adam steps taken by this worker over the whole run (restored on resume).
    var steps: Int
    var windows: [Int32] = []
    /// Per-task example count and loss sum of the current batch (cache-line padded: written per example).
    let taskExamples: UnsafeMutablePointer<Int>
    let taskLoss: UnsafeMutablePointer<Double>
    /// Totals over the current epoch.
    var epochLoss: [Double]
    var epochExamples: [Int]
    var sGradient: [Float]
    /// Dataset view of each intra task.
    let taskView: [Int]
    /// The subsampling salt of the current epoch (`Subsampler.salt`).
    var epochSalt: UInt64 = 0
    /// Whether the alignment pulls on item rows in the current epoch (`alignment.item_epochs`).
    var epochItemPull = true

    init(parameters: ModelParameters, corpus: TrainingCorpus, plan: TaskPlan, config: TrainingConfiguration, steps: Int) {
        self.parameters = parameters
        self.corpus = corpus
        self.plan = plan
        self.config = config
        self.steps = steps
        weights = TaskWeights(config: config, names: plan.names)
        adam = AdamUpdater(learningRate: Float(config.learningRate), beta1: Float(config.beta1),
                           beta2: Float(config.beta2), epsilon: Float(config.epsilon))
        weightAdam = AdamUpdater(learningRate: Float(config.weightLearningRate), beta1: Float(config.beta1), beta2: Float(config.beta2), epsilon: Float(config.epsilon))
        accumulating = config.optimizer == .adam ? AccumulatingSink(parameters: parameters) : nil
        direct = DirectSink(parameters: parameters)
        let d = parameters.dimension
        // Hot per-thread memory is cache-line padded so workers never write the same line (see CacheLinePadded).
        scratch = CacheLinePadded.allocate(Float.self, count: d)
        alignScratch = AlignmentScratch(dimension: d, negatives: config.alignmentNegatives)
        maxNegatives = max(config.negatives, config.alignmentNegatives, 1)
        negatives = CacheLinePadded.allocate(Int32.self, count: maxNegatives)
        taskExamples = CacheLinePadded.allocate(Int.self, count: plan.count)
        taskExamples.initialize(repeating: 0, count: plan.count)
        taskLoss = CacheLinePadded.allocate(Double.self, count: plan.count)
        taskLoss.initialize(repeating: 0, count: plan.count)
        epochLoss = Array(repeating: 0, count: plan.count)
        epochExamples = Array(repeating: 0, count: plan.count)
        sGradient = Array(repeating: 0, count: plan.count)
        taskView = plan.intra.map(\.view)
    }

    deinit {
        for m in batchedMatrices { CacheLinePadded.deallocate(m) }
        CacheLinePadded.deallocate(scratch)
        CacheLinePadded.deallocate(negatives)
        CacheLinePadded.deallocate(taskExamples)
        CacheLinePadded.deallocate(taskLoss)
    }

    /// Trains on `units[range]` of epoch `epoch`.
    /// - Parameters:
    ///   - progressBase: units of the whole run done before this epoch (for SGD's linear decay).
    ///   - totalUnits: units of the whole run (`epochs × units per epoch`).
    ///   - threads: number of workers sharing the epoch (each sees ≈ 1/threads of it).
    ///   - onBatch: called after every batch with the number of positive examples it held.
    func run(units: SharedBuffer<UInt64>, range: Range<Int>, epoch: Int, rng: inout Xoshiro256,
             progressBase: Int, totalUnits: Int, threads: Int, initFromLoss: Bool,
             shouldStop: () -> Bool, onBatch: (Int, BatchReport?) -> Void) {
        let d = parameters.dimension
        let intraCount = plan.intra.count
        let batch = config.batchSize
        let window = config.window
        let isAdam = config.optimizer == .adam
        let subsampler = corpus.subsampler
        epochSalt = Subsampler.salt(seed: config.seed, epoch: epoch)
        epochItemPull = config.alignmentItemEpochs == 0 || epoch < config.alignmentItemEpochs
        for t in 0..<plan.count { epochLoss[t] = 0; epochExamples[t] = 0 }
        var pos = range.lowerBound
        while pos < range.upperBound {
            if shouldStop() { return }
            // 1. Form the batch: draw the windows and count examples per task.
            let start = pos
            windows.removeAll(keepingCapacity: true)
            for t in 0..<plan.count { taskExamples[t] = 0; taskLoss[t] = 0 }
            var examples = 0
            while pos < range.upperBound, examples < batch {
                let u = units[pos]
                let t = Int(u >> 40)
                if t < intraCount {
                    let p = Int(u & 0xFF_FFFF_FFFF)
                    var b = config.dynamicWindow ? 1 + rng.below(window) : window
                    let view = taskView[t]
                    let bd = corpus.bounds[view][p]
                    let lo = Int(bd >> 32), hi = Int(bd & 0xFFFF_FFFF)
                    var c = min(hi - 1, p + b) - max(lo, p - b)
                    if subsampler.isActive {
                        let tokens = corpus.tokens[view].pointer
                        if !subsampler.keeps(view: view, position: p, token: Int(tokens[p]), salt: epochSalt) {
                            b = 0; c = 0  // a dropped centre: no pairs
                        } else {
                            c = 0
                            for q in max(lo, p - b)..<min(hi, p + b + 1) where q != p
                                && subsampler.keeps(view: view, position: q, token: Int(tokens[q]), salt: epochSalt) { c += 1 }
                        }
                    }
                    windows.append(Int32(b))
                    taskExamples[t] += c
                    examples += c
                } else {
                    windows.append(0)
                    taskExamples[t] += 1
                    examples += 1
                }
                pos += 1
            }
            // 2. Coefficients: Adam gets ∂(w_t·mean L_t); SGD applies −lr·w_t per example.
            let sPtr = parameters.logVariance.values.pointer
            let alpha = Float(config.learningRate) * max(Float(config.minLearningRateFraction),
                1 - Float(progressBase + (start - range.lowerBound) * threads) / Float(max(totalUnits, 1)))
            var coefs = [Float](repeating: 0, count: plan.count)
            for t in 0..<plan.count where taskExamples[t] > 0 {
                let w = weights.weight(t, logVariance: sPtr)
                coefs[t] = isAdam ? w / Float(taskExamples[t]) : -alpha * w
                if t >= intraCount, config.alignmentLearningRateScale != 1 { coefs[t] *= Float(config.alignmentLearningRateScale) }
            }
            // 3. Forward/backward of every example.
            if var sink = accumulating {
                process(units: units, from: start, to: pos, coefs: coefs, rng: &rng, sink: &sink, dimension: d)
            } else if threads > 1 && !plan.alignment.isEmpty {
                if batchedMatrices.isEmpty {
                    batchedMatrices = parameters.alignment.map { _ in
                        let m = CacheLinePadded.allocate(Float.self, count: d * d)
                        m.initialize(repeating: 0, count: d * d)
                        return m
                    }
                }
                var sink = DirectSink(parameters: parameters, matrices: batchedMatrices)
                process(units: units, from: start, to: pos, coefs: coefs, rng: &rng, sink: &sink, dimension: d)
                for (a, m) in batchedMatrices.enumerated() {
                    VectorMath.axpy(1, m, parameters.alignment[a].values.pointer, d * d)
                    VectorMath.zero(m, d * d)
                }
            } else {
                var sink = direct
                process(units: units, from: start, to: pos, coefs: coefs, rng: &rng, sink: &sink, dimension: d)
            }
            // 4. Step.
            var meanLoss = [Float](repeating: .nan, count: plan.count)
            for t in 0..<plan.count where taskExamples[t] > 0 {
                meanLoss[t] = Float(taskLoss[t] / Double(taskExamples[t]))
                sGradient[t] = weights.logVarianceGradient(t, loss: meanLoss[t], logVariance: sPtr)
                epochLoss[t] += taskLoss[t]
                epochExamples[t] += taskExamples[t]
            }
            for t in 0..<plan.count where taskExamples[t] == 0 { sGradient[t] = 0 }
            if steps == 0, initFromLoss, weights.mode == .adaptive {
                for t in 0..<plan.count where taskExamples[t] > 0 && meanLoss[t] > 0 { sPtr[t] = log(meanLoss[t]); sGradient[t] = 0 }
            }
            steps += 1
            if let sink = accumulating { applyAdam(sink) } else if weights.mode == .adaptive {
                sGradient.withUnsafeBufferPointer { g in
                    weightAdam.update(parameters.logVariance, with: g.baseAddress!, scale: 1, step: steps)
                }
            }
            weights.clamp(sPtr, count: plan.count)
            let report = BatchReport(step: steps, epoch: epoch, losses: meanLoss,
                                     variances: (0..<plan.count).map { weights.variance($0, logVariance: sPtr) })
            onBatch(examples, report)
        }
    }

    private func applyAdam(_ sink: AccumulatingSink) {
        var norm2: Double = 0
        for g in sink.inputs { norm2 += g.squaredNorm() }
        for g in sink.outputs { norm2 += g.squaredNorm() }
        for m in sink.matrices { norm2 += Double(VectorMath.dot(m.pointer, m.pointer, m.count)) }
        for g in sGradient { norm2 += Double(g * g) }
        let norm = norm2.squareRoot()
        let scale = norm > config.clipNorm ? Float(config.clipNorm / norm) : 1
        for (v, g) in sink.inputs.enumerated() where !g.touched.isEmpty { adam.update(parameters.input[v], with: g, scale: scale, step: steps) }
        for (v, g) in sink.outputs.enumerated() where !g.touched.isEmpty { adam.update(parameters.output[v], with: g, scale: scale, step: steps) }
        for (a, m) in sink.matrices.enumerated() { adam.update(parameters.alignment[a], with: m.pointer, scale: scale, step: steps) }
        if weights.mode == .adaptive {
            sGradient.withUnsafeBufferPointer { g in adam.update(parameters.logVariance, with: g.baseAddress!, scale: scale, step: steps) }
        }
        sink.reset()
    }

    @inline(__always)
    private func process<S: GradientSink>(units: SharedBuffer<UInt64>, from start: Int, to end: Int, coefs: [Float],
                                          rng: inout Xoshiro256, sink: inout S, dimension d: Int) {
        let intraCount = plan.intra.count
        let k = config.negatives, ka = config.alignmentNegatives
        let negatives = self.negatives, scratch = self.scratch
        let subsampler = corpus.subsampler
        let itemScale = epochItemPull ? Float(config.alignmentItemScale) : 0
        let itemPull = corpus.itemPull
        let alignmentCenter: Float = config.alignmentCentered ? 0.5 : 0
        for i in start..<end {
            let u = units[i]
            let t = Int(u >> 40)
            let idx = Int(u & 0xFF_FFFF_FFFF)
            let coef = coefs[t]
            if t < intraCount {
                let view = taskView[t]
                let tokens = corpus.tokens[view].pointer
                let bd = corpus.bounds[view][idx]
                let lo = Int(bd >> 32), hi = Int(bd & 0xFFFF_FFFF)
                let b = Int(windows[i - start])
                let noise = corpus.noise[view]
                let input = parameters.input[view].values.pointer, output = parameters.output[view].values.pointer
                let center = Int(tokens[idx])
                var loss: Float = 0
                for q in max(lo, idx - b)..<min(hi, idx + b + 1) where q != idx
                    && (!subsampler.isActive || subsampler.keeps(view: view, position: q, token: Int(tokens[q]), salt: epochSalt)) {
                    for n in 0..<k { negatives[n] = noise.sample(&rng) }
                    loss += SkipGramKernel.train(view: view, center: center, context: Int(tokens[q]), negatives: negatives,
                                                 negativeCount: k, input: input, output: output, dimension: d,
                                                 coef: coef, scratch: scratch, sink: &sink)
                }
                taskLoss[t] += Double(loss)
            } else {
                let a = t - intraCount
                let task = plan.alignment[a]
                let noise = corpus.noise[task.attributeView]
                for n in 0..<ka { negatives[n] = noise.sample(&rng) }
                let item = Int(corpus.pairItems[a][idx])
                let pull = itemPull.isActive ? itemScale * itemPull[item] : itemScale
                let loss = AlignmentKernel.train(
                    task: a, attributeView: task.attributeView, item: item,
                    attribute: Int(corpus.pairAttributes[a][idx]), negatives: negatives, negativeCount: ka,
                    itemInput: parameters.input[0].values.pointer, attributeOutput: parameters.output[task.attributeView].values.pointer,
                    w: parameters.alignment[a].values.pointer, dimension: d, coef: coef, itemScale: pull, center: alignmentCenter, scratch: alignScratch, sink: &sink)
                taskLoss[t] += Double(loss)
            }
        }
    }
}
