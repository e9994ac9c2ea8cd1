import Foundation
import M2GRLCore
import Testing
@testable import M2GRLTrainer

@Suite struct PipelineTests {
    @Test func selectionOnValidationThenRetrain() throws {
        let valid = ToyData.clustered(sessions: 80, seed: 1)
        var test = ToyData.clustered(sessions: 100, seed: 2)
        test.source["split"] = "test"
        var config = ToyData.config { $0.epochs = 4; $0.selectBest = true; $0.patience = 1; $0.evaluationK = 5 }
        config.logEvery = 1
        let log = try TrainingLog(url: nil)
        var options = TrainingOptions()
        options.log = log
        let outcome = try TrainingPipeline(config: config, options: options).run(data: test, validation: valid)
        let selected = try #require(outcome.selection).selectedEpoch
        #expect((1...4).contains(selected))
        #expect(outcome.result.epochs.count == selected)
        #expect(outcome.trainer.config.scheduleEpochs == 4)
        #expect(outcome.bundle.configuration["selection.selected_epochs"] == "\(selected)")
        let recall = try #require(outcome.bundle.metrics["test.recall@5"])
        #expect(recall > 0.2)  // planted clusters: held-out items share the trigger's cluster
        #expect(outcome.bundle.metrics["valid.recall@5"] != nil)
        // The log saw every step of both runs and renders as SVG.
        #expect(!log.points.isEmpty)
        let svg = LossCurvePlot.svg(points: log.points, names: outcome.trainer.plan.names)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline") && svg.contains("align.category"))
    }

    @Test func interruptionStopsCleanly() throws {
        let ds = ToyData.clustered(sessions: 60)
        var options = TrainingOptions()
        options.shouldStop = { true }
        let r = try M2GRLTrainer(dataset: ds, config: ToyData.config()).train(options)
        #expect(r.interrupted && r.epochs.isEmpty)
    }
}
