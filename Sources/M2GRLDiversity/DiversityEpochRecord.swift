/// One line of the JSON-lines training log: an epoch's training loss and held-out statistics.
public struct DiversityEpochRecord: Sendable, Equatable, Codable {
    /// Epoch number; 0 is the initial model before any update.
    public var epoch: Int
    /// Mean training loss over the epoch's pairs (nil for epoch 0 or an epoch interrupted before any batch).
    public var trainLoss: Double?
    /// Held-out pair statistics (nil when nothing is held out).
    public var validation: PairStatistics?
    /// Training pairs processed in the epoch.
    public var pairs: Int
    /// Wall-clock seconds of the epoch.
    public var seconds: Double
    /// Whether this epoch's model is the best so far (the one kept).
    public var best: Bool

    enum CodingKeys: String, CodingKey {
        case epoch, trainLoss = "train_loss", validation = "valid", pairs, seconds, best
    }

    /// Training throughput.
    public var pairsPerSecond: Double { seconds > 0 ? Double(pairs) / seconds : 0 }
}

/// The outcome of a training run.
public struct DiversityTrainingResult: Sendable {
    /// The selected model (best held-out loss, or the last one without a held-out set).
    public var model: DiversityMetricModel
    /// Per-epoch records, epoch 0 first.
    public var history: [DiversityEpochRecord]
    /// Epoch of the selected model.
    public var bestEpoch: Int
    /// True when training stopped because `shouldStop` returned true.
    public var interrupted: Bool
    /// Number of mined positive pairs (train + held out).
    public var positivePairs: Int
    /// The held-out pairs (positives and negatives), for reporting.
    public var heldOutPairs: [LabeledPair]
}
