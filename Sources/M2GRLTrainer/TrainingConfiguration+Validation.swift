extension TrainingConfiguration {
    /// The allowed range of one numeric key: finite, within `lower ... upper`, each bound open or closed.
    public struct RangeRule: Sendable {
        /// The configuration key, e.g. `model.dimension` (as in the TOML file and `set(_:_:)`).
        public var key: String
        /// The lower bound.
        public var lower: Double
        /// Whether `lower` itself is excluded (`> lower`) rather than allowed (`≥ lower`).
        public var lowerOpen: Bool
        /// The upper bound (`.infinity`: none, the value must only be finite).
        public var upper: Double
        /// Whether `upper` itself is excluded (`< upper`) rather than allowed (`≤ upper`).
        public var upperOpen: Bool
        let value: @Sendable (TrainingConfiguration) -> Double

        /// A bound or value as text: integers without a fraction.
        static func shown(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

        /// The range as text, e.g. `[0, 1)` or `> 0`.
        public var range: String {
            if upper == .infinity { return (lowerOpen ? "> " : "≥ ") + Self.shown(lower) + " (finite)" }
            return (lowerOpen ? "(" : "[") + Self.shown(lower) + ", " + Self.shown(upper) + (upperOpen ? ")" : "]")
        }

        func admits(_ v: Double) -> Bool {
            v.isFinite && (lowerOpen ? v > lower : v >= lower) && (upperOpen ? v < upper : v <= upper)
        }

        static func int(_ key: String, _ path: KeyPath<TrainingConfiguration, Int> & Sendable, _ r: ClosedRange<Int>) -> RangeRule {
            RangeRule(key: key, lower: Double(r.lowerBound), lowerOpen: false, upper: Double(r.upperBound), upperOpen: false,
                      value: { Double($0[keyPath: path]) })
        }

        static func real(_ key: String, _ path: KeyPath<TrainingConfiguration, Double> & Sendable, above lower: Double = 0,
                         open lowerOpen: Bool = false, below upper: Double = .infinity, openUpper upperOpen: Bool = false) -> RangeRule {
            RangeRule(key: key, lower: lower, lowerOpen: lowerOpen, upper: upper, upperOpen: upperOpen, value: { $0[keyPath: path] })
        }
    }

    /// The allowed embedding dimensions (`model.dimension`); a checkpoint outside them is refused.
    public static let dimensionRange: ClosedRange<Int> = 1...4096

    /// One rule per numeric key (`selection.triggers`, 1 or 3, is checked apart). The caps keep
    /// allocations and index arithmetic (window offsets are stored as `Int32`) far from overflow.
    public static let rangeRules: [RangeRule] = [
        .int("model.dimension", \.dimension, dimensionRange),
        .int("skipgram.window", \.window, 1...1000),
        .int("skipgram.negatives", \.negatives, 0...1000),
        .real("skipgram.noise_power", \.noisePower, below: 10),
        .real("skipgram.sample", \.sample, below: 1),
        .int("alignment.negatives", \.alignmentNegatives, 0...1000),
        .real("alignment.learning_rate_scale", \.alignmentLearningRateScale),
        .real("alignment.item_scale", \.alignmentItemScale),
        .real("alignment.item_frequency_reference", \.alignmentItemFrequencyReference),
        .real("alignment.item_frequency_power", \.alignmentItemFrequencyPower, below: 100),
        .int("alignment.item_epochs", \.alignmentItemEpochs, 0...100_000),
        .real("weighting.min_variance", \.minVariance, open: true),
        .real("weighting.static_item_weight", \.staticItemWeight),
        .real("weighting.static_other_weight", \.staticOtherWeight),
        .real("weighting.learning_rate", \.weightLearningRate),
        .real("optimizer.learning_rate", \.learningRate, open: true),
        .real("optimizer.min_learning_rate_fraction", \.minLearningRateFraction, below: 1),
        .real("optimizer.clip_norm", \.clipNorm, open: true),
        .real("optimizer.beta1", \.beta1, below: 1, openUpper: true),
        .real("optimizer.beta2", \.beta2, below: 1, openUpper: true),
        .real("optimizer.epsilon", \.epsilon, open: true),
        .int("optimizer.batch_size", \.batchSize, 1...(1 << 24)),
        .int("training.epochs", \.epochs, 1...100_000),
        .int("training.schedule_epochs", \.scheduleEpochs, 0...100_000),
        .int("training.threads", \.threads, 0...1024),
        .int("selection.patience", \.patience, 0...100_000),
        .int("selection.k", \.evaluationK, 1...100_000),
        .int("log.every", \.logEvery, 1...1_000_000_000),
    ]

    /// Checks every numeric key against `rangeRules`; throws naming the first bad key, its allowed
    /// range and the value.
    public func validate() throws {
        for rule in Self.rangeRules {
            let v = rule.value(self)
            guard rule.admits(v) else {
                throw TrainerError(.invalidConfiguration, "\(rule.key) must be \(rule.upper == .infinity ? "" : "in ")\(rule.range), got \(RangeRule.shown(v))")
            }
        }
        guard evaluationTriggers == 1 || evaluationTriggers == 3 else {
            throw TrainerError(.invalidConfiguration, "selection.triggers must be 1 or 3, got \(evaluationTriggers)")
        }
    }
}
