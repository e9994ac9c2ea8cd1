import Foundation
import M2GRLCore
import M2GRLData
import Testing
@testable import M2GRLTrainer

/// `alignment.centered`: the score `(σ(W·e_i) − ½)·(σ(W·e_a) − ½)` instead of Eq. 4's always-positive
/// `σ(W·e_i)·σ(W·e_a)` (the gradients are checked in `GradientCheckTests.alignmentGradient`).
@Suite struct AlignmentCenteringTests {
    /// The loss of one (item, attribute) occurrence with `negatives` sampled attributes and W = 0.
    static func lossAtZeroW(d: Int, negatives: Int, center: Float) -> Float {
        var rng = Xoshiro256(seed: 3)
        var itemIn = GradientCheckTests.randomVector(2 * d, &rng, scale: 0.9)
        var attrOut = GradientCheckTests.randomVector((negatives + 2) * d, &rng, scale: 0.9)
        var w = [Float](repeating: 0, count: d * d)
        let sampled = (2..<(negatives + 2)).map(Int32.init)
        let scratch = AlignmentScratch(dimension: d, negatives: negatives)
        var sink = RecordingSink(dimension: d)
        return itemIn.withUnsafeMutableBufferPointer { i in attrOut.withUnsafeMutableBufferPointer { a in w.withUnsafeMutableBufferPointer { wp in
            sampled.withUnsafeBufferPointer { n in
                AlignmentKernel.train(task: 0, attributeView: 1, item: 1, attribute: 1, negatives: n.baseAddress!, negativeCount: negatives,
                                      itemInput: i.baseAddress!, attributeOutput: a.baseAddress!, w: wp.baseAddress!,
                                      dimension: d, coef: 1, center: center, scratch: scratch, sink: &sink)
            } } } }
    }

    @Test func centredScoresStartAtZeroInsteadOfGrowingWithDimension() {
        // W = 0: every σ(W·e) is ½. As written, s = d/4 for every attribute; centred, s = 0.
        for d in [8, 128] {
            let asWritten = Self.lossAtZeroW(d: d, negatives: 10, center: 0)
            let centred = Self.lossAtZeroW(d: d, negatives: 10, center: 0.5)
            let s = Double(d) / 4
            #expect(abs(Double(asWritten) - (log(1 + exp(-s)) + 10 * log(1 + exp(s)))) < 1e-3 * Double(d))
            #expect(abs(Double(centred) - 11 * log(2.0)) < 1e-4)
        }
    }

    @Test func keyParsesDefaultsOffAndChangesTheRun() throws {
        var c = TrainingConfiguration()
        #expect(!c.alignmentCentered && c.flattened["alignment.centered"] == "false")
        try c.set("alignment.centered", "true")
        #expect(c.alignmentCentered && c.flattened["alignment.centered"] == "true")
        #expect(throws: TrainerError.self) { try c.set("alignment.centered", "maybe") }
        let ds = ToyData.clustered(sessions: 60)
        let plain = try ItemPullTests.tableBytes(ds) { _ in }
        #expect(try ItemPullTests.tableBytes(ds) { $0.alignmentCentered = false } == plain)
        let centred = try ItemPullTests.tableBytes(ds) { $0.alignmentCentered = true }
        #expect(centred != plain)
        #expect(try ItemPullTests.tableBytes(ds) { $0.alignmentCentered = true } == centred)  // same seed, same bytes
    }
}
