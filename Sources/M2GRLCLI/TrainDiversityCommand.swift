import ArgumentParser
import Dispatch
import Foundation
import M2GRLCore
import M2GRLDiversity
import Synchronization

/// `m2grl train-diversity`: learn the diversity metric model over a trained bundle (docs/DIVERSITY.md).
struct TrainDiversityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-diversity",
        abstract: "Learn the diversity metric model (paper §6.1) and add its tables to a model bundle.",
        discussion: """
        Reads MODEL_DIR (a bundle with the item table and W.<relation>) and DATASET_DIR (a prepared split), \
        trains L_i and L_ic on discovery pairs, and writes the bundle back (or to --out) with the metric \
        tables 'diversity' (stored vectors, 2p+2) and 'diversity.query' ([L_i e_i ; L_ic e_ic], 2p) and the \
        attachment diversity.json. Ctrl-C stops training and still writes the best model so far.
        """
    )

    @Option(help: "Model bundle directory.")
    var model: String

    @Option(help: "Prepared dataset directory (one split, e.g. runs/ml100k/valid).")
    var dataset: String

    @Option(help: "TOML configuration (default: Config/diversity.toml when it exists, else built-in defaults).")
    var config: String?

    @Option(help: "Write the extended bundle here instead of back into --model.")
    var out: String?

    @Option(help: "JSON-lines training log (default: OUT/diversity-train.jsonl).")
    var log: String?

    @Option(help: "Projection dimension p (0 = item dimension).") var dimension: Int?
    @Option(help: "Contrastive margin m.") var margin: Double?
    @Flag(inversion: .prefixedNo, help: "Apply L_i to unit-length item vectors (cosine geometry).") var normalizeItems: Bool?
    @Option(help: "Session window for positive pairs.") var window: Int?
    @Option(help: "Random negative pairs per positive.") var negativeRatio: Double?
    @Option(help: "Negative pairs: matched (popularity-matched) or uniform.") var negativeSampling: String?
    @Option(help: "adam or sgd.") var optimizer: String?
    @Option(help: "Learning rate.") var learningRate: Double?
    @Option(help: "Minibatch size.") var batchSize: Int?
    @Option(help: "Epochs.") var epochs: Int?
    @Option(help: "Worker threads (0 = all cores, 1 = reproducible anywhere).") var threads: Int?
    @Option(help: "Random seed.") var seed: Int?

    @Option(help: "After training, evaluate on the dataset's users at this K (EVALUATION.md, Diversity).")
    var evaluate: Int?

    @Option(name: .customLong("weights"), help: "Weights w_i,w_ic to evaluate (repeatable; default 1,1 1,0 1,-1).")
    var weights: [String] = []

    @Flag(help: "No progress line.")
    var quiet = false

    func run() throws {
        var cfg = DiversityConfiguration()
        let configPath = config ?? (FileManager.default.fileExists(atPath: "Config/diversity.toml") ? "Config/diversity.toml" : nil)
        if let configPath {
            guard let text = try? String(contentsOfFile: configPath, encoding: .utf8) else {
                throw ValidationError("cannot read --config \(configPath)")
            }
            cfg = try DiversityConfiguration(toml: TOMLDocument(parsing: text, source: configPath))
        }
        if let dimension { cfg.projectionDimension = dimension }
        if let margin { cfg.margin = margin }
        if let normalizeItems { cfg.normalizeItems = normalizeItems }
        if let window { cfg.window = window }
        if let negativeRatio { cfg.negativeRatio = negativeRatio }
        if let negativeSampling {
            guard let n = PairSampler.NegativeSampling(rawValue: negativeSampling) else {
                throw ValidationError("--negative-sampling must be matched or uniform")
            }
            cfg.negativeSampling = n
        }
        if let optimizer {
            guard let o = DiversityConfiguration.Optimizer(rawValue: optimizer) else { throw ValidationError("--optimizer must be adam or sgd") }
            cfg.optimizer = o
        }
        if let learningRate { cfg.learningRate = learningRate }
        if let batchSize { cfg.batchSize = batchSize }
        if let epochs { cfg.epochs = epochs }
        if let threads { cfg.threads = threads }
        if let seed {
            guard seed >= 0 else { throw ValidationError("--seed must be ≥ 0") }
            cfg.seed = UInt64(seed)
        }
        try cfg.validate()

        let outDir = out ?? model
        var options = DiversityJob.Options(model: URL(fileURLWithPath: model), dataset: URL(fileURLWithPath: dataset), configuration: cfg)
        options.output = out.map { URL(fileURLWithPath: $0) }
        options.log = URL(fileURLWithPath: log ?? "\(outDir)/diversity-train.jsonl")
        options.progress = !quiet
        if let evaluate {
            guard evaluate > 0 else { throw ValidationError("--evaluate K must be positive") }
            options.evaluationK = evaluate
        }
        if !weights.isEmpty { options.evaluationWeights = try weights.map(Self.parseWeights) }

        let source = StopOnInterrupt.install()
        defer { source.cancel() }
        let summary = try DiversityJob.run(options, shouldStop: { StopOnInterrupt.requested.load(ordering: .relaxed) })
        print(Self.render(summary))
    }

    static func parseWeights(_ s: String) throws -> DiversityWeights {
        let parts = s.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let wi = parts[0], let wic = parts[1], wi.isFinite, wic.isFinite else {
            throw ValidationError("--weights takes two numbers 'w_i,w_ic', got '\(s)'")
        }
        return DiversityWeights(item: wi, relational: wic)
    }

    static func render(_ s: DiversityJob.Summary) -> String {
        func f(_ x: Double?, _ width: Int) -> String {
            let text = x.map { String(format: "%.4f", $0) } ?? "-"
            return String(repeating: " ", count: max(0, width - text.count)) + text
        }
        var out = "items with vectors: \(s.itemsWithVectors)/\(s.datasetItems); positive pairs: \(s.result.positivePairs)\n"
        out += "epoch  train-loss  held-out-loss  held-out-AUC  d(pos)   d(neg)   pairs/s\n"
        for r in s.result.history {
            out += String(format: "%5d  ", r.epoch) + f(r.trainLoss, 10) + "  " + f(r.validation?.loss, 13) + "  "
                + f(r.validation?.auc, 12) + "  " + f(r.validation?.meanPositiveDistance, 7) + "  "
                + f(r.validation?.meanNegativeDistance, 7) + String(format: "  %7.0f", r.pairsPerSecond) + (r.best ? " *" : "") + "\n"
        }
        if s.result.interrupted { out += "interrupted: keeping the best model so far\n" }
        out += "selected epoch \(s.result.bestEpoch); wrote \(s.exportedRows) rows to tables 'diversity' and 'diversity.query' in \(s.written.path)\n"
        for (label, r) in s.evaluation {
            out += "\(label) @\(r.k): recall \(r.recall), discovery recall \(r.discoveryRecall), new-category share \(r.newCategoryShare)\n"
        }
        return out
    }
}

/// SIGINT → a flag polled between training batches (a second Ctrl-C exits at once).
enum StopOnInterrupt {
    static let requested = Atomic<Bool>(false)

    static func install() -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if requested.exchange(true, ordering: .relaxed) { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupt: finishing the current batch, then writing the best model (Ctrl-C again to abort)\n".utf8))
        }
        source.resume()
        return source
    }
}
