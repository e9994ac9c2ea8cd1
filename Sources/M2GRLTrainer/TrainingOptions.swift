import Foundation

/// How a run is driven: model selection, checkpoints, warm start, logging, progress and interruption.
public struct TrainingOptions: Sendable {
    /// Evaluate after every epoch on this split's held-out items (Recall@K) for model selection
    /// and early stopping; nil = train all epochs and keep the last.
    public var selection: RetrievalEvaluator?
    /// Write a checkpoint here after every epoch.
    public var checkpointDirectory: URL?
    /// Continue from the checkpoint in `checkpointDirectory` when one is there.
    public var resume = false
    /// Initial vectors from an earlier model (applied unless resuming).
    public var warmStart: WarmStart?
    /// JSON-lines training log.
    public var log: TrainingLog?
    /// The `phase` of this run's log records (`TrainingLog.phases`): "selection" or "final".
    public var logPhase = "final"
    /// Receives the progress line (rewritten in place on a terminal) about twice a second.
    public var progress: (@Sendable (String) -> Void)?
    /// Polled between mini-batches; true stops the run after the current batch.
    public var shouldStop: @Sendable () -> Bool = { false }

    public init() {}
}

/// What happened in one epoch.
public struct EpochSummary: Sendable, Codable, Equatable {
    public var epoch: Int
    /// Mean loss per task over the epoch (task-name order of the plan).
    public var losses: [Double]
    /// `σ_t²` per task at the end of the epoch.
    public var variances: [Double]
    /// Positive examples processed and the wall time.
    public var examples: Int
    public var seconds: Double
    /// Recall@K on the selection split, when evaluated.
    public var selectionRecall: Double?
}

/// The outcome of `M2GRLTrainer.train`.
public struct TrainingResult: Sendable {
    public var epochs: [EpochSummary]
    /// The epoch (1-based) whose parameters the trainer holds now.
    public var selectedEpoch: Int
    /// The selection split's report at the selected epoch.
    public var selectionReport: EvaluationReport?
    /// The run stopped on `shouldStop` before finishing.
    public var interrupted: Bool
    /// Stopped early: patience exhausted, or a divergence after a finite best epoch (see `diverged`).
    public var stoppedEarly: Bool
    /// An epoch diverged (non-finite loss or σ²) and the run kept the best finite epoch instead
    /// (only with model selection keeping the best epoch; otherwise divergence throws).
    public var diverged = false
}
