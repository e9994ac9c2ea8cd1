import Foundation
import M2GRLCore
import Testing
@testable import M2GRLTrainer

/// The knobs added for the ml-100k search: frequent-item subsampling (`skipgram.sample`), the
/// alignment step scale and the alignment pull on item rows (`alignment.learning_rate_scale`,
/// `alignment.item_scale`). At their defaults they must not change a run.
@Suite struct TuningKnobTests {
    @Test func keepProbabilityIsWord2vecs() {
        // f = 100/1000 = 0.1, t = 0.001: (√100 + 1)·0.01 = 0.11.
        #expect(abs(Subsampler.keepProbability(count: 100, total: 1000, threshold: 0.001) - 0.11) < 1e-6)
        // Rare items (f ≤ t·(golden ratio)²) are always kept; unseen ones too; threshold 0 keeps all.
        #expect(Subsampler.keepProbability(count: 1, total: 1000, threshold: 0.001) == 1)
        #expect(Subsampler.keepProbability(count: 0, total: 1000, threshold: 0.001) == 1)
        #expect(Subsampler.keepProbability(count: 100, total: 1000, threshold: 0) == 1)
    }

    @Test func subsamplingDropsPairsDeterministically() throws {
        let ds = ToyData.clustered(sessions: 60)
        func run(_ sample: Double) throws -> (examples: Int, bytes: Data) {
            let t = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2; $0.sample = sample; $0.alignment = false })
            let r = try t.train()
            let bytes = ModelExporter.bundle(t).tables.reduce(into: Data()) { $0.append(EmbeddingFileFormat.f32Data($1)) }
            return (r.epochs[0].examples, bytes)
        }
        let full = try run(0), sub = try run(0.01), again = try run(0.01)
        // 32 items of similar frequency (≈ 1/32 each): keep ≈ (√3.2 + 1)·0.32 ≈ 0.89 per token.
        #expect(sub.examples < full.examples)
        #expect(Double(sub.examples) > 0.5 * Double(full.examples))
        #expect(sub.bytes == again.bytes)
        #expect(sub.bytes != full.bytes)
    }

    @Test func itemScaleScalesOnlyTheItemRowGradient() {
        let d = 6
        var rng = Xoshiro256(seed: 11)
        var itemIn = GradientCheckTests.randomVector(4 * d, &rng, scale: 0.9)
        var attrOut = GradientCheckTests.randomVector(5 * d, &rng, scale: 0.9)
        var w = GradientCheckTests.randomVector(d * d, &rng, scale: 0.7)
        let negatives: [Int32] = [1, 3]
        let scratch = AlignmentScratch(dimension: d, negatives: 2)
        func gradients(_ itemScale: Float) -> (item: [Float], attr: [Float], w: [Float]) {
            var sink = RecordingSink(dimension: d)
            itemIn.withUnsafeMutableBufferPointer { i in attrOut.withUnsafeMutableBufferPointer { a in w.withUnsafeMutableBufferPointer { wp in
                negatives.withUnsafeBufferPointer { n in
                    _ = AlignmentKernel.train(task: 0, attributeView: 1, item: 2, attribute: 2, negatives: n.baseAddress!, negativeCount: 2,
                                              itemInput: i.baseAddress!, attributeOutput: a.baseAddress!, w: wp.baseAddress!,
                                              dimension: d, coef: 1, itemScale: itemScale, scratch: scratch, sink: &sink)
                } } } }
            return (Array(UnsafeBufferPointer(start: sink.inputs[0][2]!, count: d)),
                    Array(UnsafeBufferPointer(start: sink.outputs[1][2]!, count: d)),
                    Array(UnsafeBufferPointer(start: sink.matrix, count: d * d)))
        }
        let one = gradients(1), half = gradients(0.5), zero = gradients(0)
        #expect(one.item.contains { $0 != 0 })
        #expect(zero.item.allSatisfy { $0 == 0 })
        for k in 0..<d { #expect(abs(half.item[k] - 0.5 * one.item[k]) < 1e-6) }
        #expect(half.attr == one.attr && zero.attr == one.attr)
        #expect(half.w == one.w && zero.w == one.w)
    }

    @Test func defaultsChangeNothingAndScalesDo() throws {
        let ds = ToyData.clustered(sessions: 60)
        func bytes(_ edit: (inout TrainingConfiguration) -> Void) throws -> Data {
            let t = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2; edit(&$0) })
            _ = try t.train()
            return ModelExporter.bundle(t).tables.reduce(into: Data()) { $0.append(EmbeddingFileFormat.f32Data($1)) }
        }
        let plain = try bytes { _ in }
        let explicit = try bytes { $0.sample = 0; $0.alignmentItemScale = 1; $0.alignmentLearningRateScale = 1 }
        #expect(plain == explicit)
        #expect(try bytes { $0.alignmentItemScale = 0.3 } != plain)
        #expect(try bytes { $0.alignmentLearningRateScale = 0.3 } != plain)
    }

    @Test func newKeysParseAndValidate() throws {
        var c = TrainingConfiguration()
        try c.set("skipgram.sample", "0.001")
        try c.set("alignment.learning_rate_scale", "0.3")
        try c.set("alignment.item_scale", "0.5")
        #expect(c.sample == 0.001 && c.alignmentLearningRateScale == 0.3 && c.alignmentItemScale == 0.5)
        #expect(c.flattened["alignment.item_scale"] == "0.5")
        c.alignmentItemScale = -1
        #expect(throws: TrainerError.self) { try c.validate() }
    }
}
