import M2GRLCore

/// Settings of the metric model and its training; every field is a key of `Config/diversity.toml`.
public struct DiversityConfiguration: Sendable, Equatable {
    /// Optimiser of the factors.
    public enum Optimizer: String, Sendable {
        case adam, sgd
    }

    /// How the factors start before rescaling to the margin.
    public enum Initialization: String, Sendable {
        /// Identity on the leading diagonal (Euclidean distance), then rescaled.
        case scaledIdentity = "scaled-identity"
        /// Gaussian entries, then rescaled.
        case gaussian
    }

    // [inputs]
    /// Bundle table of the item vectors `e_i`.
    public var itemTable = "item"
    /// Attribute view of the relational input and of the positive-pair rule.
    public var relation = "category"
    /// Bundle table of `W` (d rows of dimension d); empty means `"W.<relation>"`.
    public var alignmentTable = ""

    // [model]
    /// p; 0 means "the item dimension d".
    public var projectionDimension = 0
    /// Contrastive margin m.
    public var margin = 1.0
    /// Apply `L_i` to `e_i/||e_i||` (cosine geometry: item norms track popularity, see EVALUATION.md).
    public var normalizeItems = false
    /// Initial factors (both are rescaled so a random pair's mean distance is about m²).
    public var initialization = Initialization.scaledIdentity

    // [pairs]
    /// Session window for positive pairs.
    public var window = 3
    /// Negative pairs per positive pair.
    public var negativeRatio = 1.0
    /// How negatives are drawn: `matched` (both ends from the positives' item marginal) or `uniform`.
    public var negativeSampling = PairSampler.NegativeSampling.matched
    /// Count each unordered positive pair once.
    public var deduplicate = true
    /// Share of positive pairs held out for model selection (0 disables selection).
    public var validationFraction = 0.1

    // [training]
    public var optimizer = Optimizer.adam
    public var learningRate = 0.0005
    public var batchSize = 128
    public var epochs = 10
    /// Stop after this many epochs without a better held-out loss (0 = never stop early).
    public var patience = 3
    /// Worker threads for the gradient (0 = all cores).
    public var threads = 0
    public var seed: UInt64 = 1

    public init() {}

    /// The effective alignment table name.
    public var resolvedAlignmentTable: String { alignmentTable.isEmpty ? "W.\(relation)" : alignmentTable }

    /// Reads `[inputs]`, `[model]`, `[pairs]`, `[training]` over the defaults; unknown keys are errors.
    public init(toml doc: TOMLDocument) throws {
        self.init()
        let known: Set<String> = [
            "inputs.item_table", "inputs.relation", "inputs.alignment_table",
            "model.projection_dimension", "model.margin", "model.init", "model.normalize_items",
            "pairs.window", "pairs.negative_ratio", "pairs.negative_sampling", "pairs.deduplicate", "pairs.validation_fraction",
            "training.optimizer", "training.learning_rate", "training.batch_size", "training.epochs",
            "training.patience", "training.threads", "training.seed",
        ]
        if let unknown = doc.values.keys.filter({ !known.contains($0) }).sorted().first {
            throw DiversityError(.config, "unknown key '\(unknown)' in the diversity configuration")
        }
        do {
            if let v = try doc.string("inputs.item_table") { itemTable = v }
            if let v = try doc.string("inputs.relation") { relation = v }
            if let v = try doc.string("inputs.alignment_table") { alignmentTable = v }
            if let v = try doc.integer("model.projection_dimension") { projectionDimension = v }
            if let v = try doc.double("model.margin") { margin = v }
            if let v = try doc.bool("model.normalize_items") { normalizeItems = v }
            if let v = try doc.string("model.init") {
                guard let i = Initialization(rawValue: v) else { throw DiversityError(.config, "model.init must be scaled-identity or gaussian, got \(v)") }
                initialization = i
            }
            if let v = try doc.integer("pairs.window") { window = v }
            if let v = try doc.double("pairs.negative_ratio") { negativeRatio = v }
            if let v = try doc.string("pairs.negative_sampling") {
                guard let n = PairSampler.NegativeSampling(rawValue: v) else {
                    throw DiversityError(.config, "pairs.negative_sampling must be matched or uniform, got \(v)")
                }
                negativeSampling = n
            }
            if let v = try doc.bool("pairs.deduplicate") { deduplicate = v }
            if let v = try doc.double("pairs.validation_fraction") { validationFraction = v }
            if let v = try doc.string("training.optimizer") {
                guard let o = Optimizer(rawValue: v) else { throw DiversityError(.config, "training.optimizer must be adam or sgd, got \(v)") }
                optimizer = o
            }
            if let v = try doc.double("training.learning_rate") { learningRate = v }
            if let v = try doc.integer("training.batch_size") { batchSize = v }
            if let v = try doc.integer("training.epochs") { epochs = v }
            if let v = try doc.integer("training.patience") { patience = v }
            if let v = try doc.integer("training.threads") { threads = v }
            if let v = try doc.integer("training.seed") {
                guard v >= 0 else { throw DiversityError(.config, "training.seed must be ≥ 0") }
                seed = UInt64(v)
            }
        } catch let e as CoreError {
            throw DiversityError(.config, e.message)
        }
        try validate()
    }

    /// Throws a `.config` error naming the first value out of range.
    public func validate() throws {
        func fail(_ m: String) -> DiversityError { DiversityError(.config, m) }
        guard projectionDimension >= 0 else { throw fail("model.projection_dimension must be ≥ 0 (0 = d)") }
        guard margin.isFinite, margin > 0 else { throw fail("model.margin must be > 0") }
        guard window >= 1 else { throw fail("pairs.window must be ≥ 1") }
        guard negativeRatio.isFinite, negativeRatio >= 0 else { throw fail("pairs.negative_ratio must be ≥ 0") }
        guard validationFraction >= 0, validationFraction < 1 else { throw fail("pairs.validation_fraction must be in [0, 1)") }
        guard learningRate.isFinite, learningRate > 0 else { throw fail("training.learning_rate must be > 0") }
        guard batchSize >= 1 else { throw fail("training.batch_size must be ≥ 1") }
        guard epochs >= 0 else { throw fail("training.epochs must be ≥ 0") }
        guard patience >= 0 else { throw fail("training.patience must be ≥ 0") }
        guard threads >= 0 else { throw fail("training.threads must be ≥ 0 (0 = all cores)") }
        guard !itemTable.isEmpty, !relation.isEmpty else { throw fail("inputs.item_table and inputs.relation must not be empty") }
    }

    /// Flat key/value form, for a bundle's configuration.
    public var flattened: [String: String] {
        [
            "diversity.item_table": itemTable, "diversity.relation": relation, "diversity.alignment_table": resolvedAlignmentTable,
            "diversity.projection_dimension": "\(projectionDimension)", "diversity.margin": "\(margin)", "diversity.normalize_items": "\(normalizeItems)",
            "diversity.init": initialization.rawValue, "diversity.window": "\(window)",
            "diversity.negative_ratio": "\(negativeRatio)", "diversity.negative_sampling": negativeSampling.rawValue, "diversity.deduplicate": "\(deduplicate)",
            "diversity.validation_fraction": "\(validationFraction)", "diversity.optimizer": optimizer.rawValue,
            "diversity.learning_rate": "\(learningRate)", "diversity.batch_size": "\(batchSize)",
            "diversity.epochs": "\(epochs)", "diversity.patience": "\(patience)", "diversity.seed": "\(seed)",
        ]
    }
}
