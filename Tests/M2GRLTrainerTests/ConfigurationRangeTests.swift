import Foundation
import Testing
@testable import M2GRLTrainer

/// Every numeric key is checked for finiteness and range, with a typed error naming the key.
@Suite struct ConfigurationRangeTests {
    /// A key and a value outside its allowed range.
    static let bad: [(String, String)] = [
        ("model.dimension", "0"), ("model.dimension", "5000"),
        ("skipgram.window", "0"), ("skipgram.window", "3000000000"),
        ("skipgram.negatives", "-1"), ("skipgram.negatives", "100000"),
        ("skipgram.noise_power", "nan"), ("skipgram.noise_power", "-1"),
        ("skipgram.sample", "inf"), ("skipgram.sample", "2"),
        ("alignment.negatives", "100000"),
        ("alignment.learning_rate_scale", "inf"), ("alignment.item_scale", "-0.5"),
        ("alignment.item_frequency_reference", "nan"), ("alignment.item_frequency_power", "inf"),
        ("alignment.item_epochs", "-1"),
        ("weighting.min_variance", "0"), ("weighting.min_variance", "inf"),
        ("weighting.static_item_weight", "-1"), ("weighting.static_other_weight", "inf"),
        ("weighting.learning_rate", "nan"), ("weighting.learning_rate", "-0.1"),
        ("optimizer.learning_rate", "inf"), ("optimizer.learning_rate", "0"), ("optimizer.learning_rate", "nan"),
        ("optimizer.min_learning_rate_fraction", "1.5"), ("optimizer.min_learning_rate_fraction", "-0.1"),
        ("optimizer.clip_norm", "inf"), ("optimizer.clip_norm", "0"),
        ("optimizer.beta1", "5"), ("optimizer.beta1", "1"), ("optimizer.beta1", "-0.1"),
        ("optimizer.beta2", "1"), ("optimizer.beta2", "nan"),
        ("optimizer.epsilon", "0"), ("optimizer.epsilon", "inf"),
        ("optimizer.batch_size", "0"), ("optimizer.batch_size", "1000000000"),
        ("training.epochs", "0"), ("training.epochs", "10000000"),
        ("training.schedule_epochs", "-1"), ("training.threads", "-1"), ("training.threads", "100000"),
        ("selection.patience", "-1"), ("selection.k", "0"), ("selection.triggers", "2"),
        ("log.every", "0"),
    ]

    @Test func everyOutOfRangeValueIsATypedErrorNamingTheKey() throws {
        for (key, value) in Self.bad {
            var c = TrainingConfiguration()
            try c.set(key, value)
            do {
                try c.validate()
                Issue.record("\(key) = \(value) was accepted")
            } catch let e as TrainerError {
                #expect(e.code == .invalidConfiguration)
                #expect(e.message.hasPrefix(key + " "), "\(e.message)")
                #expect(e.message.contains("got \(value)"), "\(e.message)")
            }
        }
    }

    @Test func everyNumericKeyHasARule() {
        let numeric = TrainingConfiguration.keys.filter { key in
            var c = TrainingConfiguration()
            return (try? c.set(key, "1")) != nil && !["skipgram.views", "training.seed"].contains(key)
        }
        let ruled = Set(TrainingConfiguration.rangeRules.map(\.key)).union(["selection.triggers"])
        #expect(numeric.filter { !ruled.contains($0) } == [])
    }

    @Test func defaultsAndShippedFilesAreValid() throws {
        try TrainingConfiguration().validate()
        for name in ["train.toml", "train-sparse.toml"] {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/\(name)")
            _ = try TrainingConfiguration.parse(toml: String(contentsOf: url, encoding: .utf8), source: name)
        }
        // The edges of the ranges are accepted.
        var c = TrainingConfiguration()
        for (k, v) in [("optimizer.beta1", "0"), ("optimizer.min_learning_rate_fraction", "1"), ("skipgram.window", "1000"),
                       ("weighting.learning_rate", "0"), ("weighting.static_item_weight", "0")] { try c.set(k, v) }
        try c.validate()
    }
}
