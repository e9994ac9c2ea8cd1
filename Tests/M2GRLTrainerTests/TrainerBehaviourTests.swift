import Foundation
import M2GRLCore
import M2GRLData
import Testing
@testable import M2GRLTrainer

@Suite struct TrainerBehaviourTests {
    static func tempDir() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-trainer-\(UUID().uuidString)")
    }

    @Test(arguments: [TrainingConfiguration.Optimizer.sgd, .adam])
    func lossDecreasesOnToyGraph(optimizer: TrainingConfiguration.Optimizer) throws {
        let ds = ToyData.clustered(sessions: 120)
        let trainer = try M2GRLTrainer(dataset: ds, config: ToyData.config {
            $0.optimizer = optimizer
            $0.learningRate = optimizer == .adam ? 0.05 : 0.05
            $0.batchSize = 64
            $0.epochs = 5
        })
        let result = try trainer.train()
        #expect(result.epochs.count == 5)
        // The toy category sequences have length 1: that task has no pairs (NaN loss) and is skipped.
        for t in trainer.plan.names.indices where !result.epochs[0].losses[t].isNaN {
            let first = result.epochs.first!.losses[t], last = result.epochs.last!.losses[t]
            #expect(last < first * 0.9, "task \(trainer.plan.names[t]): \(first) → \(last)")
        }
    }

    /// With 2 threads (Hogwild, alignment matrices updated once per batch from per-thread buffers)
    /// as with 1.
    @Test(arguments: [1, 2]) func plantedClustersAreRecovered(threads: Int) throws {
        let ds = ToyData.clustered(clusters: 4, size: 8, sessions: 400)
        let trainer = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 8; $0.threads = threads; $0.batchSize = 64 })
        let initialW = Array(UnsafeBufferPointer(start: trainer.parameters.alignment[0].values.pointer, count: 16 * 16))
        _ = try trainer.train()
        let trainedW = Array(UnsafeBufferPointer(start: trainer.parameters.alignment[0].values.pointer, count: 16 * 16))
        #expect(trainedW != initialW && trainedW.allSatisfy(\.isFinite))
        let table = trainer.itemTable()
        let d = table.dimension
        var sameCluster = 0, total = 0
        for i in 0..<table.count {
            // 5 nearest neighbours by cosine.
            func cos(_ a: Int, _ b: Int) -> Float {
                let x = Array(table.row(a)), y = Array(table.row(b))
                let dot = (0..<d).reduce(Float(0)) { $0 + x[$1] * y[$1] }
                return dot / (sqrt(x.reduce(0) { $0 + $1 * $1 }) * sqrt(y.reduce(0) { $0 + $1 * $1 }))
            }
            let nn = (0..<table.count).filter { $0 != i }.sorted { cos(i, $0) > cos(i, $1) }.prefix(5)
            for j in nn { total += 1; if j / 8 == i / 8 { sameCluster += 1 } }
        }
        #expect(Double(sameCluster) / Double(total) > 0.85, "\(sameCluster)/\(total) neighbours in the planted cluster")
    }

    @Test func sameSeedSameBytes() throws {
        let ds = ToyData.clustered(sessions: 60)
        func run(_ seed: UInt64, _ opt: TrainingConfiguration.Optimizer) throws -> Data {
            let t = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.seed = seed; $0.epochs = 2; $0.optimizer = opt })
            _ = try t.train()
            let b = ModelExporter.bundle(t)
            return b.tables.reduce(into: Data()) { $0.append(EmbeddingFileFormat.f32Data($1)) }
        }
        for opt in [TrainingConfiguration.Optimizer.sgd, .adam] {
            let a = try run(5, opt), b = try run(5, opt), c = try run(6, opt)
            #expect(a == b)
            #expect(a != c)
        }
    }

    @Test func checkpointResumeIsExact() throws {
        let ds = ToyData.clustered(sessions: 60)
        let config = ToyData.config { $0.epochs = 3; $0.optimizer = .adam }
        let full = try M2GRLTrainer(dataset: ds, config: config)
        _ = try full.train()
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var first = config
        first.epochs = 2
        var opts = TrainingOptions()
        opts.checkpointDirectory = dir
        _ = try M2GRLTrainer(dataset: ds, config: first).train(opts)
        opts.resume = true
        let resumed = try M2GRLTrainer(dataset: ds, config: config)
        let r = try resumed.train(opts)
        #expect(r.epochs.count == 3)
        #expect(resumed.itemTable() == full.itemTable())
        // A checkpoint from another configuration is refused.
        let other = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 3; $0.optimizer = .adam; $0.dimension = 8 })
        #expect(throws: TrainerError.self) { try other.train(opts) }
    }

    @Test func warmStartKeepsPersistingItems() throws {
        let ds = ToyData.clustered(sessions: 60)
        let old = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 1 })
        _ = try old.train()
        let bundle = ModelBundle.init(tables: ModelExporter.bundle(old).tables, items: [])
        // New day: item "32" disappears, item "99" is new.
        var next = ds
        next.views[0].vocabulary[32] = "99"
        let fresh = try M2GRLTrainer(dataset: next, config: ToyData.config { $0.seed = 77 })
        let kept = try WarmStart(bundle: bundle).apply(to: fresh)
        #expect(kept["item"] == 31)
        let oldTable = old.itemTable(), newTable = fresh.itemTable()
        #expect(newTable.row(0) == oldTable.row(0))
        #expect(newTable.row(30) == oldTable.row(30))
        #expect(newTable.row(31) != oldTable.row(31))  // "99" starts fresh
        #expect(fresh.parameters.alignment[0].values.array == old.parameters.alignment[0].values.array)
    }

    @Test func exportWritesEveryRepresentation() throws {
        let ds = ToyData.clustered(sessions: 40)
        let t = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 1 })
        _ = try t.train()
        let b = ModelExporter.bundle(t, metrics: ["valid.recall@50": 0.5])
        #expect(b.tables.map(\.name) == ["item", "category", "rel.category.item", "rel.category.category", "W.category"])
        #expect(b.tables.map(\.kind) == [.view, .view, .relational, .relational, .parameter])
        #expect(b.table(named: "item")!.ids == (1...32).map(String.init))
        #expect(b.table(named: "W.category")!.count == 16)
        let rel = b.table(named: "rel.category.item")!
        #expect(rel.values.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(b.items.count == 32)
        #expect(b.configuration["weighting.mode"] == "adaptive")
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try b.write(to: dir)
        #expect(try ModelBundle.read(from: dir).tables == b.tables)
    }

    @Test func singleViewPlanAndConfigErrors() throws {
        let ds = ToyData.clustered(sessions: 20)
        let single = try TaskPlan(dataset: ds, config: ToyData.config { $0.views = ["item"] })
        #expect(single.names == ["item"])
        let full = try TaskPlan(dataset: ds, config: ToyData.config())
        #expect(full.names == ["item", "category", "align.category"])
        #expect(throws: TrainerError.self) { try TaskPlan(dataset: ds, config: ToyData.config { $0.views = ["shop"] }) }
        #expect(throws: TrainerError.self) { try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.dimension = 0 }) }
    }

    @Test func configFileAndOverrides() throws {
        let text = """
        # comment
        [model]
        dimension = 32   # trailing comment
        [skipgram]
        views = ["item", "category"]
        noise = "uniform"
        [weighting]
        mode = "static"
        [training]
        seed = 9
        """
        var c = try TrainingConfiguration.parse(toml: text)
        #expect(c.dimension == 32 && c.views == ["item", "category"] && c.noise == .uniform && c.weighting == .static && c.seed == 9)
        try c.set("training.epochs", "3")
        #expect(c.epochs == 3)
        #expect(throws: TrainerError.self) { try c.set("training.epochz", "3") }
        #expect(throws: TrainerError.self) { try c.set("weighting.mode", "magic") }
        #expect(throws: TrainerError.self) { try TrainingConfiguration.parse(toml: "[model\ndimension = 3") }
        for name in ["train.toml", "train-sparse.toml"] {
            let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/\(name)")
            let s = try String(contentsOf: shipped, encoding: .utf8)
            let parsed = try TrainingConfiguration.parse(toml: s, source: name)
            #expect(parsed.dimension > 0)
        }
    }
}
