import ArgumentParser
import Foundation
import M2GRLCore
import M2GRLData
import M2GRLTrainer

/// `m2grl evaluate`: the offline protocol of EVALUATION.md on any embedding table or baseline.
public struct EvaluateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "HitRate/Recall/Precision/F1@K with standard errors on a prepared split; paired comparison of two models.",
        discussion: """
        A model is a bundle directory (its item table, or --table NAME), an embedding file (.f32 or word2vec text),
        or a baseline: popularity, itemcf.
        --diverse (bundle with a diversity model): new-category share, discovery recall and Recall@K for plain
        item-view retrieval and DIVERSE rankings (weights --diverse-weights, optionally excluding the categories
        of the user's last --recent-categories train items).
        """)

    @Option(help: "Prepared dataset directory whose held-out items are scored (e.g. OUT/test).") var data: String
    @Option(help: "Model: bundle directory, .f32 / word2vec file, 'popularity' or 'itemcf'.") var model: String
    @Option(help: "Second model for a paired per-user comparison (model − compare).") var compare: String?
    @Option(help: "Table of a bundle to evaluate.") var table = "item"
    @Option(help: "K.") var k = 50
    @Option(help: "Triggers: 1 (last train item) or 3 (mean of the last three).") var triggers = 1
    @Flag(help: "Diversity figures for plain and DIVERSE retrieval (the bundle needs a diversity model).") var diverse = false
    @Option(name: .customLong("diverse-weights"), help: "DIVERSE weights w_i,w_ic (repeatable; default 1,1 and 1,-1).")
    var diverseWeights: [String] = []
    @Option(help: "DIVERSE: also evaluate excluding the categories of the user's last N train items (0 = off).")
    var recentCategories = 5

    public init() {}

    public func run() throws {
        guard triggers == 1 || triggers == 3 else { throw ValidationError("--triggers must be 1 or 3") }
        let dataset = try PreparedDataset.read(from: URL(fileURLWithPath: data))
        if diverse { return try runDiverse(dataset) }
        let evaluator = try RetrievalEvaluator(dataset: dataset, k: k, triggers: triggers)
        let a = try evaluate(model, evaluator, dataset)
        print("\(model): \(a.summary)")
        if let compare {
            let b = try evaluate(compare, evaluator, dataset)
            print("\(compare): \(b.summary)")
            for m in PairedComparison.Metric.allCases {
                print(try PairedComparison(a, b, metric: m).summary)
            }
        }
    }

    func evaluate(_ spec: String, _ evaluator: RetrievalEvaluator, _ dataset: PreparedDataset) throws -> EvaluationReport {
        switch spec {
        case "popularity": return evaluator.evaluate(PopularityScorer(dataset: dataset))
        case "itemcf": return evaluator.evaluate(ItemCFScorer(dataset: dataset))
        default:
            let url = URL(fileURLWithPath: spec)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDir) else {
                throw ValidationError("no model at \(spec) (expected a bundle directory, an embedding file, popularity or itemcf)")
            }
            let t: EmbeddingTable
            if isDir.boolValue {
                guard let found = try ModelBundle.read(from: url).table(named: table) else {
                    throw ValidationError("bundle \(spec) has no table '\(table)'")
                }
                t = found
            } else {
                t = try EmbeddingFileFormat.read(from: url)
            }
            return evaluator.evaluate(table: t)
        }
    }
}
