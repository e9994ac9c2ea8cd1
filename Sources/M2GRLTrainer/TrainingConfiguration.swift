/// Every setting of a training run. Keys are `section.name` as in `Config/train.toml`.
public struct TrainingConfiguration: Sendable, Equatable {
    /// How the per-task loss weights are chosen.
    public enum Weighting: String, Sendable, CaseIterable {
        /// Homoscedastic uncertainty: learned `s_t = log σ_t²`, `L = Σ exp(−s_t)·L_t + s_t`.
        case adaptive
        /// Fixed weights: item task `staticItemWeight`, every other task `staticOtherWeight`.
        case `static`
        /// Every task weight 1.
        case uniform
    }

    /// The optimiser.
    public enum Optimizer: String, Sendable, CaseIterable {
        /// Adam on mini-batches with global-norm clipping and lazy per-row moments.
        case adam
        /// Plain per-example SGD with a linearly decaying learning rate (word2vec style).
        case sgd
    }

    /// Noise distribution of the negatives.
    public enum Noise: String, Sendable, CaseIterable {
        /// unigram^`noisePower` of the train counts.
        case unigram
        /// Uniform over nodes seen in train.
        case uniform
    }

    // [model]
    public var dimension = 64
    // [skipgram]
    public var window = 9
    public var dynamicWindow = true
    public var negatives = 10
    public var noise = Noise.unigram
    public var noisePower = 0.75
    /// word2vec frequent-item subsampling threshold `t` (0 = off): each epoch every token of a
    /// view's sequences is kept with probability `min(1, (√(f/t) + 1)·t/f)`, `f` its train frequency.
    public var sample = 0.0
    /// Restrict training to these views (names); empty = all views. `["item"]` = single-view skip-gram.
    public var views: [String] = []
    /// Run the inter-view alignment tasks.
    public var alignment = true
    // [alignment]
    public var alignmentNegatives = 10
    /// Multiplies the alignment tasks' step (every parameter they touch); 1 = as weighted.
    public var alignmentLearningRateScale = 1.0
    /// Multiplies the alignment gradient that reaches the item input rows (how hard the attribute
    /// pulls on the retrieval vectors); 1 = the full gradient, 0 = item rows learn from the item task only.
    public var alignmentItemScale = 1.0
    /// Frequency-aware pull: the alignment gradient into item `i`'s row is further multiplied by
    /// `min(1, (f0 / count_i)^p)` with `f0` this reference train count (0 = off, every item 1).
    public var alignmentItemFrequencyReference = 0.0
    /// The power `p` of the frequency-aware pull.
    public var alignmentItemFrequencyPower = 1.0
    /// The alignment pulls on item rows only in the first this many epochs (0 = every epoch): the
    /// attributes shape the early layout, co-occurrence alone refines it afterwards.
    public var alignmentItemEpochs = 0
    /// Score `(σ(W·e_i) − ½)·(σ(W·e_a) − ½)` instead of Eq. 4's `σ(W·e_i)·σ(W·e_a)` (always > 0);
    /// see `AlignmentKernel`. The exported relational embeddings stay `σ(W·e)`.
    public var alignmentCentered = false
    // [weighting]
    public var weighting = Weighting.adaptive
    public var minVariance = 0.05
    public var staticItemWeight = 0.05
    public var staticOtherWeight = 1.0
    /// Adam step size of the log-variances `s_t` (SGD mode; with Adam they share `optimizer.learning_rate`).
    public var weightLearningRate = 0.01
    /// Start each `s_t` at the log of the task's first batch-mean loss (the fixed point of
    /// `∂L/∂s_t = 0`) instead of 0, so early steps are not dominated by the task with the largest loss.
    public var weightInitFromLoss = false
    // [optimizer]
    public var optimizer = Optimizer.adam
    public var learningRate = 0.01
    public var minLearningRateFraction = 1e-4
    public var clipNorm = 1.0
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8
    public var batchSize = 2048
    // [training]
    public var epochs = 10
    /// Epochs the SGD learning-rate decay spans (0 = `epochs`). Model selection retrains with the
    /// selected epoch count and this set to the selection run's epochs, so the chosen model sees the
    /// same learning-rate schedule it was selected with.
    public var scheduleEpochs = 0
    /// Worker threads; 0 = one per core.
    public var threads = 0
    public var seed: UInt64 = 1
    // [selection]
    /// Evaluate on the dataset's held-out items after every epoch and keep the best epoch.
    public var selectBest = true
    /// Stop after this many evaluations without improvement (0 = never stop early).
    public var patience = 3
    public var evaluationK = 50
    public var evaluationTriggers = 1
    // [log]
    /// Write one training-log record per task every this many steps (per thread 0).
    public var logEvery = 20

    public init() {}

    /// Every key this configuration understands, in file order.
    public static let keys: [String] = [
        "model.dimension",
        "skipgram.window", "skipgram.dynamic_window", "skipgram.negatives", "skipgram.noise", "skipgram.noise_power", "skipgram.sample",
        "skipgram.views", "alignment.enabled", "alignment.negatives", "alignment.learning_rate_scale", "alignment.item_scale",
        "alignment.item_frequency_reference", "alignment.item_frequency_power", "alignment.item_epochs", "alignment.centered",
        "weighting.mode", "weighting.min_variance", "weighting.static_item_weight", "weighting.static_other_weight", "weighting.learning_rate", "weighting.init_from_loss",
        "optimizer.kind", "optimizer.learning_rate", "optimizer.min_learning_rate_fraction", "optimizer.clip_norm",
        "optimizer.beta1", "optimizer.beta2", "optimizer.epsilon", "optimizer.batch_size",
        "training.epochs", "training.schedule_epochs", "training.threads", "training.seed",
        "selection.select_best", "selection.patience", "selection.k", "selection.triggers",
        "log.every",
    ]

    /// Sets one key from its textual value (as in TOML or a `--set key=value` flag).
    public mutating func set(_ key: String, _ raw: String) throws {
        let value = raw.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        func int() throws -> Int {
            guard let v = Int(value) else { throw TrainerError(.invalidConfiguration, "\(key): '\(raw)' is not an integer") }
            return v
        }
        func double() throws -> Double {
            guard let v = Double(value) else { throw TrainerError(.invalidConfiguration, "\(key): '\(raw)' is not a number") }
            return v
        }
        func bool() throws -> Bool {
            switch value { case "true": return true; case "false": return false
            default: throw TrainerError(.invalidConfiguration, "\(key): '\(raw)' is not true or false") }
        }
        func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws -> E where E.RawValue == String {
            guard let v = E(rawValue: value) else {
                throw TrainerError(.invalidConfiguration, "\(key): '\(raw)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return v
        }
        switch key {
        case "model.dimension": dimension = try int()
        case "skipgram.window": window = try int()
        case "skipgram.dynamic_window": dynamicWindow = try bool()
        case "skipgram.negatives": negatives = try int()
        case "skipgram.noise": noise = try choice(Noise.self)
        case "skipgram.noise_power": noisePower = try double()
        case "skipgram.sample": sample = try double()
        case "skipgram.views":
            let list = value.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            views = list.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"")) }.filter { !$0.isEmpty }
        case "alignment.enabled": alignment = try bool()
        case "alignment.negatives": alignmentNegatives = try int()
        case "alignment.learning_rate_scale": alignmentLearningRateScale = try double()
        case "alignment.item_scale": alignmentItemScale = try double()
        case "alignment.item_frequency_reference": alignmentItemFrequencyReference = try double()
        case "alignment.item_frequency_power": alignmentItemFrequencyPower = try double()
        case "alignment.item_epochs": alignmentItemEpochs = try int()
        case "alignment.centered": alignmentCentered = try bool()
        case "weighting.mode": weighting = try choice(Weighting.self)
        case "weighting.min_variance": minVariance = try double()
        case "weighting.static_item_weight": staticItemWeight = try double()
        case "weighting.static_other_weight": staticOtherWeight = try double()
        case "weighting.learning_rate": weightLearningRate = try double()
        case "weighting.init_from_loss": weightInitFromLoss = try bool()
        case "optimizer.kind": optimizer = try choice(Optimizer.self)
        case "optimizer.learning_rate": learningRate = try double()
        case "optimizer.min_learning_rate_fraction": minLearningRateFraction = try double()
        case "optimizer.clip_norm": clipNorm = try double()
        case "optimizer.beta1": beta1 = try double()
        case "optimizer.beta2": beta2 = try double()
        case "optimizer.epsilon": epsilon = try double()
        case "optimizer.batch_size": batchSize = try int()
        case "training.epochs": epochs = try int()
        case "training.schedule_epochs": scheduleEpochs = try int()
        case "training.threads": threads = try int()
        case "training.seed":
            guard let v = UInt64(value) else { throw TrainerError(.invalidConfiguration, "\(key): '\(raw)' is not a seed") }
            seed = v
        case "selection.select_best": selectBest = try bool()
        case "selection.patience": patience = try int()
        case "selection.k": evaluationK = try int()
        case "selection.triggers": evaluationTriggers = try int()
        case "log.every": logEvery = try int()
        default:
            throw TrainerError(.invalidConfiguration, "unknown configuration key '\(key)'")
        }
    }

    /// The configuration as flat `key → value` strings (stored in the model bundle and checkpoints).
    public var flattened: [String: String] {
        [
            "model.dimension": "\(dimension)",
            "skipgram.window": "\(window)", "skipgram.dynamic_window": "\(dynamicWindow)",
            "skipgram.negatives": "\(negatives)", "skipgram.noise": noise.rawValue, "skipgram.noise_power": "\(noisePower)",
            "skipgram.sample": "\(sample)",
            "skipgram.views": "[" + views.map { "\"\($0)\"" }.joined(separator: ", ") + "]",
            "alignment.enabled": "\(alignment)", "alignment.negatives": "\(alignmentNegatives)",
            "alignment.learning_rate_scale": "\(alignmentLearningRateScale)", "alignment.item_scale": "\(alignmentItemScale)",
            "alignment.item_frequency_reference": "\(alignmentItemFrequencyReference)",
            "alignment.item_frequency_power": "\(alignmentItemFrequencyPower)",
            "alignment.item_epochs": "\(alignmentItemEpochs)", "alignment.centered": "\(alignmentCentered)",
            "weighting.mode": weighting.rawValue, "weighting.min_variance": "\(minVariance)",
            "weighting.static_item_weight": "\(staticItemWeight)", "weighting.static_other_weight": "\(staticOtherWeight)", "weighting.learning_rate": "\(weightLearningRate)",
            "weighting.init_from_loss": "\(weightInitFromLoss)",
            "optimizer.kind": optimizer.rawValue, "optimizer.learning_rate": "\(learningRate)",
            "optimizer.min_learning_rate_fraction": "\(minLearningRateFraction)", "optimizer.clip_norm": "\(clipNorm)",
            "optimizer.beta1": "\(beta1)", "optimizer.beta2": "\(beta2)", "optimizer.epsilon": "\(epsilon)",
            "optimizer.batch_size": "\(batchSize)",
            "training.epochs": "\(epochs)", "training.schedule_epochs": "\(scheduleEpochs)", "training.threads": "\(threads)", "training.seed": "\(seed)",
            "selection.select_best": "\(selectBest)", "selection.patience": "\(patience)",
            "selection.k": "\(evaluationK)", "selection.triggers": "\(evaluationTriggers)",
            "log.every": "\(logEvery)",
        ]
    }

    /// Reads a configuration from TOML (`Config/train.toml`), starting from the defaults.
    public static func parse(toml text: String, source: String = "train.toml") throws -> TrainingConfiguration {
        let doc: TOMLDocument
        do { doc = try TOMLDocument(parsing: text, source: source) } catch {
            throw TrainerError(.invalidConfiguration, "\(error)")
        }
        var config = TrainingConfiguration()
        for key in doc.values.keys.sorted() { try config.set(key, doc.values[key]!.description) }
        try config.validate()
        return config
    }
}

import Foundation
import M2GRLCore
