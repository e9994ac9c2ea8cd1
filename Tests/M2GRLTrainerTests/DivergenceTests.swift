import Foundation
import M2GRLCore
import Testing
@testable import M2GRLTrainer

/// A run whose losses or parameters turn NaN/∞ fails with `.diverged` and never yields a model.
@Suite struct DivergenceTests {
    static func diverging(_ edit: (inout TrainingConfiguration) -> Void = { _ in }) -> TrainingConfiguration {
        ToyData.config { $0.learningRate = 1e30; $0.epochs = 2; edit(&$0) }
    }

    @Test func divergenceIsATypedError() throws {
        let ds = ToyData.clustered(sessions: 60)
        let trainer = try M2GRLTrainer(dataset: ds, config: Self.diverging())
        do {
            _ = try trainer.train()
            Issue.record("a diverged run returned normally")
        } catch let e as TrainerError {
            #expect(e.code == .diverged)
            #expect(e.message.contains("diverged at epoch 1"), "\(e.message)")
            #expect(e.message.contains("learning rate"), "\(e.message)")
        }
    }

    @Test func pipelineWritesNoModel() throws {
        let ds = ToyData.clustered(sessions: 60)
        #expect(throws: TrainerError.self) {
            _ = try TrainingPipeline(config: Self.diverging(), options: TrainingOptions()).run(data: ds, validation: nil)
        }
    }

    /// With model selection keeping the best epoch, a later divergence stops the run at the best
    /// (finite) epoch instead of failing.
    @Test func selectionKeepsTheBestFiniteEpoch() throws {
        let ds = ToyData.clustered(sessions: 60)
        let config = ToyData.config { $0.epochs = 3; $0.scheduleEpochs = 3; $0.selectBest = true; $0.patience = 0; $0.evaluationK = 5 }
        var options = TrainingOptions()
        options.selection = try RetrievalEvaluator(dataset: ds, k: 5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-div-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        options.checkpointDirectory = dir
        var first = config
        first.epochs = 1
        let trainer = try M2GRLTrainer(dataset: ds, config: first)
        #expect(try trainer.train(options).selectedEpoch == 1)
        let best = trainer.itemTable()
        // The current parameters are poisoned as a huge step would; the best epoch's copy is intact.
        var ck = try TrainerCheckpoint.read(from: dir)
        for (name, a) in ck.arrays where name.hasPrefix("input.") { ck.arrays[name] = a.map { _ in Float.nan } }
        try ck.write(to: dir)
        options.resume = true
        let resumed = try M2GRLTrainer(dataset: ds, config: config)
        let r = try resumed.train(options)
        #expect(r.diverged && r.stoppedEarly && r.selectedEpoch == 1)
        #expect(resumed.itemTable() == best)
        #expect(resumed.firstNonFiniteParameter() == nil)
    }

    @Test func nonFiniteParametersAreFound() throws {
        let ds = ToyData.clustered(sessions: 20)
        let trainer = try M2GRLTrainer(dataset: ds, config: ToyData.config())
        #expect(trainer.firstNonFiniteParameter() == nil)
        trainer.parameters.alignment[0].values.pointer[7] = .infinity
        #expect(trainer.firstNonFiniteParameter() == "W.category")
    }
}
