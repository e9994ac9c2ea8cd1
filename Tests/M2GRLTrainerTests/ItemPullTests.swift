import Foundation
import M2GRLCore
import M2GRLData
import Testing
@testable import M2GRLTrainer

/// The alignment-pull follow-up knobs: frequency-aware pull on item rows
/// (`alignment.item_frequency_reference` / `item_frequency_power`) and `alignment.item_epochs`.
/// Off by default, and then a run is byte-identical to one without them.
@Suite struct ItemPullTests {
    static func tableBytes(_ ds: PreparedDataset, _ edit: (inout TrainingConfiguration) -> Void) throws -> Data {
        let t = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2; edit(&$0) })
        _ = try t.train()
        return ModelExporter.bundle(t).tables.reduce(into: Data()) { $0.append(EmbeddingFileFormat.f32Data($1)) }
    }

    @Test func factorFallsWithFrequency() {
        #expect(ItemPull.factor(count: 2, reference: 5, power: 1) == 1)
        #expect(ItemPull.factor(count: 5, reference: 5, power: 1) == 1)
        #expect(abs(ItemPull.factor(count: 50, reference: 5, power: 1) - 0.1) < 1e-7)
        #expect(abs(ItemPull.factor(count: 50, reference: 5, power: 2) - 0.01) < 1e-8)
        #expect(abs(ItemPull.factor(count: 20, reference: 5, power: 0.5) - 0.5) < 1e-7)
        // Unseen items and reference 0 (off) keep the full pull.
        #expect(ItemPull.factor(count: 0, reference: 5, power: 1) == 1)
        #expect(ItemPull.factor(count: 50, reference: 0, power: 1) == 1)
        let pull = ItemPull(counts: [0, 1, 10, 40], reference: 10, power: 1)
        #expect(pull.isActive)
        #expect(pull[1] == 1 && pull[2] == 1 && pull[3] == 0.25)
        #expect(!ItemPull(counts: [0, 1, 10, 40], reference: 0, power: 1).isActive)
    }

    @Test func defaultsChangeNothing() throws {
        let ds = ToyData.clustered(sessions: 60)
        let plain = try Self.tableBytes(ds) { _ in }
        // Off (reference 0) whatever the power; pull in every epoch (0, or ≥ the epochs run).
        #expect(try Self.tableBytes(ds) { $0.alignmentItemFrequencyReference = 0; $0.alignmentItemFrequencyPower = 2 } == plain)
        #expect(try Self.tableBytes(ds) { $0.alignmentItemEpochs = 0 } == plain)
        #expect(try Self.tableBytes(ds) { $0.alignmentItemEpochs = 2 } == plain)
        // A reference above every count gives every item factor 1: the same run.
        #expect(try Self.tableBytes(ds) { $0.alignmentItemFrequencyReference = 1e9 } == plain)
        #expect(try Self.tableBytes(ds) { $0.alignmentItemFrequencyReference = 1 } != plain)
        #expect(try Self.tableBytes(ds) { $0.alignmentItemEpochs = 1 } != plain)
    }

    @Test func frequencyFactorIsAPerItemItemScale() throws {
        // With every item seen 40 times, reference 10 and power 1 scale every item's pull by 0.25:
        // exactly alignment.item_scale = 0.25 (same floats, same order).
        var ds = ToyData.clustered(sessions: 60)
        ds.views[0].counts = ds.views[0].counts.indices.map { $0 == 0 ? 0 : 40 }
        let byFrequency = try Self.tableBytes(ds) { $0.alignmentItemFrequencyReference = 10; $0.alignmentItemFrequencyPower = 1 }
        let byScale = try Self.tableBytes(ds) { $0.alignmentItemScale = 0.25 }
        #expect(byFrequency == byScale)
        #expect(byFrequency != (try Self.tableBytes(ds) { _ in }))
    }

    @Test func pullEpochsLeaveTheEarlyEpochsAlone() throws {
        // Pulling in the first epoch only: epoch 1 equals the full-pull run's (same schedule), the
        // run as a whole does not.
        let ds = ToyData.clustered(sessions: 60)
        func run(epochs: Int, _ itemEpochs: Int) throws -> Data {
            try Self.tableBytes(ds) { $0.epochs = epochs; $0.scheduleEpochs = 3; $0.alignmentItemEpochs = itemEpochs }
        }
        #expect(try run(epochs: 1, 1) == run(epochs: 1, 0))
        #expect(try run(epochs: 3, 1) != run(epochs: 3, 0))
    }

    @Test func keysParseAndValidate() throws {
        var c = TrainingConfiguration()
        try c.set("alignment.item_frequency_reference", "5")
        try c.set("alignment.item_frequency_power", "2")
        try c.set("alignment.item_epochs", "3")
        #expect(c.alignmentItemFrequencyReference == 5 && c.alignmentItemFrequencyPower == 2 && c.alignmentItemEpochs == 3)
        #expect(c.flattened["alignment.item_frequency_reference"] == "5.0" && c.flattened["alignment.item_epochs"] == "3")
        try c.validate()
        c.alignmentItemFrequencyPower = -1
        #expect(throws: TrainerError.self) { try c.validate() }
        c.alignmentItemFrequencyPower = 1
        #expect(throws: TrainerError.self) { try c.set("alignment.item_epochs", "x") }
    }
}
