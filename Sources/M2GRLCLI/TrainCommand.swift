import ArgumentParser
import Dispatch
import Foundation
import M2GRLCore
import M2GRLData
import M2GRLTrainer
import Synchronization

/// `m2grl train`: trains M2GRL on a prepared dataset and writes a model bundle.
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train M2GRL embeddings on a prepared dataset and write a model bundle.",
        discussion: "Settings come from --config (default Config/train.toml when present), then --set key=value, then the flags.")

    @Option(help: "Prepared dataset directory to train on (e.g. OUT/test or OUT/valid).") var data: String
    @Option(name: .customLong("select-on"), help: "Validation dataset directory: select the epoch count there (early stopping on Recall@K), then train --data with it.")
    var selectOn: String?
    @Option(help: "Output model bundle directory.") var out: String
    @Option(help: "TOML configuration file.") var config: String?
    @Option(name: .customLong("set"), help: "Override one key, e.g. --set optimizer.kind=adam (repeatable).") var overrides: [String] = []
    @Option(help: "Epochs (training.epochs).") var epochs: Int?
    @Option(help: "Dimension (model.dimension).") var dimension: Int?
    @Option(help: "Worker threads, 0 = one per core (training.threads).") var threads: Int?
    @Option(help: "Random seed (training.seed).") var seed: UInt64?
    @Option(help: "adaptive | static | uniform (weighting.mode).") var weighting: String?
    @Option(help: "sgd | adam (optimizer.kind).") var optimizer: String?
    @Option(name: .customLong("learning-rate"), help: "optimizer.learning_rate.") var learningRate: Double?
    @Option(help: "Skip-gram window (skipgram.window).") var window: Int?
    @Option(help: "Negatives per positive pair (skipgram.negatives).") var negatives: Int?
    @Option(name: .customLong("batch-size"), help: "optimizer.batch_size.") var batchSize: Int?
    @Option(help: "Comma-separated views to train (skipgram.views); \"item\" = single-view skip-gram.") var views: String?
    @Option(help: "Checkpoint directory (written after every epoch).") var checkpoint: String?
    @Flag(help: "Resume from --checkpoint.") var resume = false
    @Option(name: .customLong("warm-start"), help: "Earlier model bundle or checkpoint directory: persisting ids keep their vectors.")
    var warmStart: String?
    @Option(help: "Also write every table as word2vec text (txt) or .f32 (f32) under OUT/export/.") var export: [String] = []

    public init() {}

    public func run() throws {
        var cfg = TrainingConfiguration()
        let configPath = config ?? (FileManager.default.fileExists(atPath: "Config/train.toml") ? "Config/train.toml" : nil)
        if let configPath {
            guard let text = try? String(contentsOfFile: configPath, encoding: .utf8) else {
                throw ValidationError("cannot read configuration \(configPath)")
            }
            cfg = try TrainingConfiguration.parse(toml: text, source: configPath)
        }
        for o in overrides {
            let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ValidationError("--set expects key=value, got '\(o)'") }
            try cfg.set(kv[0], kv[1])
        }
        if let epochs { cfg.epochs = epochs }
        if let dimension { cfg.dimension = dimension }
        if let threads { cfg.threads = threads }
        if let seed { cfg.seed = seed }
        if let weighting { try cfg.set("weighting.mode", weighting) }
        if let optimizer { try cfg.set("optimizer.kind", optimizer) }
        if let learningRate { cfg.learningRate = learningRate }
        if let window { cfg.window = window }
        if let negatives { cfg.negatives = negatives }
        if let batchSize { cfg.batchSize = batchSize }
        if let views { try cfg.set("skipgram.views", views) }
        try cfg.validate()
        if resume, checkpoint == nil { throw ValidationError("--resume needs --checkpoint DIR") }
        for e in export where e != "txt" && e != "f32" { throw ValidationError("--export takes txt or f32, got '\(e)'") }

        let outURL = URL(fileURLWithPath: out)
        try OutputDirectory.prepare(outURL, role: "--out")
        if let checkpoint { try OutputDirectory.prepare(URL(fileURLWithPath: checkpoint), role: "--checkpoint") }
        let dataset = try PreparedDataset.read(from: URL(fileURLWithPath: data))
        let validation = try selectOn.map { try PreparedDataset.read(from: URL(fileURLWithPath: $0)) }

        // A resumed run continues the log (the trainer rewinds it to the checkpoint).
        let log = try TrainingLog(url: outURL.appendingPathComponent("training.jsonl"), append: resume)
        var options = TrainingOptions()
        options.log = log
        options.checkpointDirectory = checkpoint.map { URL(fileURLWithPath: $0) }
        options.resume = resume
        if let warmStart {
            let url = URL(fileURLWithPath: warmStart)
            options.warmStart = FileManager.default.fileExists(atPath: url.appendingPathComponent("checkpoint.json").path)
                ? try WarmStart(checkpointDirectory: url) : try WarmStart(bundle: ModelBundle.read(from: url))
        }
        let stderr = FileHandle.standardError
        let tty = isatty(2) != 0
        options.progress = { line in
            stderr.write(Data(((tty && !line.hasSuffix("\n")) ? "\r\u{1B}[K" + line : (line.hasSuffix("\n") ? (tty ? "\r\u{1B}[K" : "") + line : line + "\n")).utf8))
        }
        let interrupt = InterruptFlag.install()
        options.shouldStop = { interrupt.isSet }

        let pipeline = TrainingPipeline(config: cfg, options: options)
        let outcome: TrainingPipeline.Outcome
        do {
            outcome = try pipeline.run(data: dataset, validation: validation) { stderr.write(Data($0.utf8)) }
        } catch let e as TrainerError where e.code == .interrupted {
            log.close()
            stderr.write(Data("\(e.message)\n".utf8))
            throw ExitCode(130)
        }
        log.close()
        if outcome.result.interrupted {
            stderr.write(Data("interrupted: the last checkpoint (if --checkpoint) holds the last finished epoch; rerun with --resume\n".utf8))
            throw ExitCode(130)
        }
        try outcome.bundle.write(to: outURL)
        let svg = LossCurvePlot.svg(points: log.points, names: outcome.trainer.plan.names)
        try svg.write(to: outURL.appendingPathComponent("training.svg"), atomically: true, encoding: .utf8)
        for ext in export {
            let dir = outURL.appendingPathComponent("export")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for t in outcome.bundle.tables { try EmbeddingFileFormat.write(t, to: dir.appendingPathComponent("\(t.name).\(ext)")) }
        }
        print("wrote \(outURL.path): \(outcome.bundle.tables.map(\.name).joined(separator: ", "))")
        for (k, v) in outcome.bundle.metrics.sorted(by: { $0.key < $1.key }) where !k.hasSuffix("_se") && !k.hasSuffix(".users") {
            print(String(format: "  %@ = %.4f", k, v))
        }
    }
}

/// Set by SIGINT; training stops after the current mini-batch.
final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Keeps the signal source alive; `nonisolated(unsafe)`: written once by `install`, on the main thread.
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    var isSet: Bool { flag.load(ordering: .relaxed) }

    static func install() -> InterruptFlag {
        let f = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler {
            if f.flag.load(ordering: .relaxed) { exit(130) }  // second ^C: leave at once
            f.flag.store(true, ordering: .relaxed)
            FileHandle.standardError.write(Data("\ninterrupt: stopping after this batch (^C again to abort)\n".utf8))
        }
        s.resume()
        source = s
        return f
    }
}
