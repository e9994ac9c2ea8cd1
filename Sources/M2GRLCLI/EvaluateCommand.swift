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
    // `.unconditional`: "--k -3" takes "-3" as the value (then refused by validate()) instead of
    // reading it as a flag and reporting "Missing value for '--k'".
    @Option(parsing: .unconditional, help: "K (1…\(Self.maxK)).") var k = 50
    @Option(parsing: .unconditional, help: "Triggers: 1 (last train item) or 3 (mean of the last three).") var triggers = 1
    @Option(help: "Also write the report(s) as JSON to this file.") var json: String?
    @Flag(help: "Diversity figures for plain and DIVERSE retrieval (the bundle needs a diversity model).") var diverse = false
    @Option(name: .customLong("diverse-weights"), help: "DIVERSE weights w_i,w_ic (repeatable; default 1,1 and 1,-1).")
    var diverseWeights: [String] = []
    @Option(help: "DIVERSE: also evaluate excluding the categories of the user's last N train items (0 = off).")
    var recentCategories = 5

    public init() {}

    /// The largest K accepted (far above any catalogue a top-K list is read from).
    static let maxK = 10_000

    public func validate() throws {
        guard (1...Self.maxK).contains(k) else { throw ValidationError("--k must be between 1 and \(Self.maxK), got \(k)") }
        guard triggers == 1 || triggers == 3 else { throw ValidationError("--triggers must be 1 or 3, got \(triggers)") }
        guard recentCategories >= 0 else { throw ValidationError("--recent-categories must be ≥ 0, got \(recentCategories)") }
    }

    public func run() throws {
        let dataset = try PreparedDataset.read(from: URL(fileURLWithPath: data))
        let evaluator = try RetrievalEvaluator(dataset: dataset, k: k, triggers: triggers)
        try evaluator.requireHeldOut()
        if diverse { return try runDiverse(dataset) }
        let a = try evaluate(model, evaluator, dataset)
        print("\(model): \(a.summary)")
        print(Self.triggerLine(a))
        var reports: [String: Any] = ["model": model, "report": a.jsonObject, "dataset": data]
        if let compare {
            let b = try evaluate(compare, evaluator, dataset)
            print("\(compare): \(b.summary)")
            print(Self.triggerLine(b))
            reports["compare"] = compare
            reports["compare_report"] = b.jsonObject
            for m in PairedComparison.Metric.allCases {
                print(try PairedComparison(a, b, metric: m).summary)
            }
        }
        if let json {
            let bytes = try JSONSerialization.data(withJSONObject: reports, options: [.prettyPrinted, .sortedKeys])
            do { try bytes.write(to: URL(fileURLWithPath: json), options: .atomic) } catch {
                throw TrainerError(.io, "cannot write --json \(json): \(error.localizedDescription)")
            }
        }
    }

    /// "users without a trigger vector: N of M (…)", the users who got no query.
    static func triggerLine(_ r: EvaluationReport) -> String {
        var line = "users without a trigger vector: \(r.usersWithoutTrigger) of \(r.userCount) (counted as misses)"
        if r.triggers > 1 { line += "; with fewer than \(r.triggers) trigger vectors: \(r.usersWithPartialTrigger)" }
        return line
    }

    /// "1,574".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, c in (i > 0 && (digits.count - i) % 3 == 0) ? [",", c] : [c] })
    }

    func evaluate(_ spec: String, _ evaluator: RetrievalEvaluator, _ dataset: PreparedDataset) throws -> EvaluationReport {
        switch spec {
        case "popularity":
            let scorer = PopularityScorer(dataset: dataset)
            try evaluator.requireEvaluable(ids: scorer.candidateIDs, label: spec)
            return evaluator.evaluate(scorer)
        case "itemcf":
            let scorer = ItemCFScorer(dataset: dataset)
            try evaluator.requireEvaluable(ids: scorer.candidateIDs, label: spec)
            return evaluator.evaluate(scorer)
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
            let label = isDir.boolValue ? "\(spec) table \(t.name)" : spec
            let c = try evaluator.requireEvaluable(ids: t.ids, label: label)
            if c.covered < c.total {
                FileHandle.standardError.write(Data(("warning: \(label): table covers \(Self.grouped(c.covered)) of \(Self.grouped(c.total)) "
                                                     + "items of the split (the others count as misses)\n").utf8))
            }
            return evaluator.evaluate(table: t)
        }
    }
}
