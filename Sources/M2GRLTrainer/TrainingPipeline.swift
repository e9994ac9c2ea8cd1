import Foundation
import M2GRLCore
import M2GRLData

/// The `m2grl train` flow as a library call: optional model selection on a validation split
/// (train there with early stopping on Recall@K, keep the best epoch count), then training on the
/// main data with that many epochs, scoring its held-out items, and building the model bundle.
public struct TrainingPipeline: Sendable {
    public var config: TrainingConfiguration
    public var options: TrainingOptions

    public init(config: TrainingConfiguration, options: TrainingOptions) {
        self.config = config
        self.options = options
    }

    /// What a pipeline run produced.
    public struct Outcome: Sendable {
        public var bundle: ModelBundle
        public var trainer: M2GRLTrainer
        public var result: TrainingResult
        /// The selection run on the validation split, when one was given.
        public var selection: TrainingResult?
    }

    /// Runs the flow. `data` trains the final model; `validation`, when given, selects the epoch count.
    /// When `validation` is nil and `data` has held-out items, selection happens on `data` itself
    /// (use that when `data` *is* the validation split).
    public func run(data: PreparedDataset, validation: PreparedDataset?, log: @Sendable (String) -> Void = { _ in }) throws -> Outcome {
        var config = self.config
        var metrics: [String: Double] = [:]
        var extra: [String: String] = [:]
        var selection: TrainingResult? = nil
        if let validation {
            log("model selection on the validation split (\(config.epochs) epochs max, patience \(config.patience))\n")
            let evaluator = try RetrievalEvaluator(dataset: validation, k: config.evaluationK, triggers: config.evaluationTriggers)
            var opts = options
            opts.selection = evaluator
            // The selection run checkpoints in its own subdirectory; --resume continues it (or, when it
            // had finished, takes its result as is) and then the final run.
            opts.checkpointDirectory = options.checkpointDirectory?.appendingPathComponent("selection")
            opts.logPhase = "selection"
            let trainer = try M2GRLTrainer(dataset: validation, config: config)
            let r = try trainer.train(opts)
            if r.interrupted {
                let resume = opts.checkpointDirectory.map { "; \($0.path) holds its last finished epoch: rerun with --resume" }
                throw TrainerError(.interrupted, "interrupted during model selection" + (resume ?? " (no --checkpoint: a rerun starts afresh)"))
            }
            selection = r
            if let rep = r.selectionReport { for (k, v) in rep.metrics(prefix: "valid") { metrics[k] = v } }
            extra["selection.selected_epochs"] = "\(r.selectedEpoch)"
            config.scheduleEpochs = max(config.epochs, config.scheduleEpochs)
            config.epochs = r.selectedEpoch
            config.selectBest = false
            log("selected \(r.selectedEpoch) epochs\n")
        }
        let trainer = try M2GRLTrainer(dataset: data, config: config)
        var opts = options
        opts.logPhase = "final"
        if validation == nil, options.resume {  // records of an earlier run's selection phase do not belong here
            try options.log?.rewind(phase: "selection", epochsKept: 0, names: [])
        }
        let evaluator = try RetrievalEvaluator(dataset: data, k: config.evaluationK, triggers: config.evaluationTriggers)
        let heldOut = evaluator.hasHeldOut
        if validation == nil, heldOut, config.selectBest { opts.selection = evaluator } else { opts.selection = nil }
        let result = try trainer.train(opts)
        if heldOut {
            // With selection on `data` itself, `data` is the validation split; otherwise it is scored once.
            let prefix = validation == nil && config.selectBest ? "valid" : (data.source["split"].map { String($0.prefix { $0 != "(" }) } ?? "test")
            let report = result.selectionReport ?? evaluator.evaluate(table: trainer.itemTable())
            for (k, v) in report.metrics(prefix: prefix) { metrics[k] = v }
            if validation == nil { extra["selection.selected_epochs"] = "\(result.selectedEpoch)" }
        }
        extra["training.epochs_run"] = "\(result.epochs.count)"
        extra["training.threads_used"] = "\(trainer.threads)"
        let bundle = ModelExporter.bundle(trainer, metrics: metrics, extraConfiguration: extra)
        return Outcome(bundle: bundle, trainer: trainer, result: result, selection: selection)
    }
}
