import Foundation
import Testing
@testable import M2GRLTrainer

/// Finite-difference checks of every loss against the analytic gradients the kernels emit.
@Suite struct GradientCheckTests {
    static func randomVector(_ n: Int, _ rng: inout Xoshiro256, scale: Float) -> [Float] {
        (0..<n).map { _ in (rng.unitFloat() * 2 - 1) * scale }
    }

    @Test func skipGramGradient() {
        let d = 8, rows = 6
        var rng = Xoshiro256(seed: 3)
        var input = Self.randomVector(rows * d, &rng, scale: 0.8)
        var output = Self.randomVector(rows * d, &rng, scale: 0.8)
        let negatives: [Int32] = [2, 4, 2, 1]  // a repeat, and 1 == context (skipped)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: d)
        defer { scratch.deallocate() }
        func loss() -> Float {
            var sink = RecordingSink(dimension: d)
            return input.withUnsafeMutableBufferPointer { i in output.withUnsafeMutableBufferPointer { o in
                negatives.withUnsafeBufferPointer { n in
                    SkipGramKernel.train(view: 0, center: 3, context: 1, negatives: n.baseAddress!, negativeCount: 4,
                                         input: i.baseAddress!, output: o.baseAddress!, dimension: d, coef: 0, scratch: scratch, sink: &sink)
                } } }
        }
        var sink = RecordingSink(dimension: d)
        _ = input.withUnsafeMutableBufferPointer { i in output.withUnsafeMutableBufferPointer { o in
            negatives.withUnsafeBufferPointer { n in
                SkipGramKernel.train(view: 0, center: 3, context: 1, negatives: n.baseAddress!, negativeCount: 4,
                                     input: i.baseAddress!, output: o.baseAddress!, dimension: d, coef: 1, scratch: scratch, sink: &sink)
            } } }
        // Exact reference loss in Double.
        func exact() -> Double {
            func dot(_ a: Int, _ b: Int) -> Double { (0..<d).reduce(0) { $0 + Double(input[a * d + $1]) * Double(output[b * d + $1]) } }
            var l = log(1 + exp(-dot(3, 1)))
            for n in negatives where n != 1 { l += log(1 + exp(dot(3, Int(n)))) }
            return l
        }
        #expect(abs(Double(loss()) - exact()) < 1e-4)
        let eps: Float = 1e-2
        for (table, rowsToCheck) in [(0, [3]), (1, [1, 2, 4])] {
            for r in rowsToCheck {
                for k in 0..<d {
                    let idx = r * d + k
                    if table == 0 { input[idx] += eps } else { output[idx] += eps }
                    let up = loss()
                    if table == 0 { input[idx] -= 2 * eps } else { output[idx] -= 2 * eps }
                    let down = loss()
                    if table == 0 { input[idx] += eps } else { output[idx] += eps }
                    let numeric = (up - down) / (2 * eps)
                    let analytic = (table == 0 ? sink.inputs[0][r] : sink.outputs[0][r])?[k] ?? 0
                    #expect(abs(numeric - analytic) < 2e-3, "table \(table) row \(r) k \(k): \(numeric) vs \(analytic)")
                }
            }
        }
        #expect(sink.outputs[0][5] == nil)  // untouched rows get no gradient
    }

    /// Eq. 4 as written (center 0) and the centred score of `alignment.centered` (center ½).
    @Test(arguments: [Float(0), 0.5]) func alignmentGradient(center: Float) {
        let d = 6, items = 4, attrs = 5
        var rng = Xoshiro256(seed: 9)
        var itemIn = Self.randomVector(items * d, &rng, scale: 0.9)
        var attrOut = Self.randomVector(attrs * d, &rng, scale: 0.9)
        var w = Self.randomVector(d * d, &rng, scale: 0.7)
        let negatives: [Int32] = [1, 3, 2]  // 2 is the true attribute: skipped
        let scratch = AlignmentScratch(dimension: d, negatives: 3)
        func run(_ coef: Float, _ sink: inout RecordingSink) -> Float {
            itemIn.withUnsafeMutableBufferPointer { i in attrOut.withUnsafeMutableBufferPointer { a in w.withUnsafeMutableBufferPointer { wp in
                negatives.withUnsafeBufferPointer { n in
                    AlignmentKernel.train(task: 0, attributeView: 1, item: 2, attribute: 2, negatives: n.baseAddress!, negativeCount: 3,
                                          itemInput: i.baseAddress!, attributeOutput: a.baseAddress!, w: wp.baseAddress!,
                                          dimension: d, coef: coef, center: center, scratch: scratch, sink: &sink)
                } } } }
        }
        func loss() -> Float { var s = RecordingSink(dimension: d); return run(0, &s) }
        var sink = RecordingSink(dimension: d)
        _ = run(1, &sink)
        // Exact loss in Double.
        func sig(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        func r(_ e: [Float], _ row: Int) -> [Double] {
            (0..<d).map { j in sig((0..<d).reduce(0) { $0 + Double(w[j * d + $1]) * Double(e[row * d + $1]) }) }
        }
        let ri = r(itemIn, 2)
        var exact = 0.0
        for (t, label) in [(2, 1.0), (1, 0.0), (3, 0.0)] {
            let c = Double(center)
            let s = zip(ri, r(attrOut, t)).reduce(0) { $0 + ($1.0 - c) * ($1.1 - c) }
            exact += label == 1 ? log(1 + exp(-s)) : log(1 + exp(s))
        }
        #expect(abs(Double(loss()) - exact) < 1e-4)
        let eps: Float = 1e-2
        func check(_ get: () -> Float, _ set: (Float) -> Void, analytic: Float, _ what: String) {
            let v = get()
            set(v + eps); let up = loss()
            set(v - eps); let down = loss()
            set(v)
            let numeric = (up - down) / (2 * eps)
            #expect(abs(numeric - analytic) < 2e-3, "\(what): \(numeric) vs \(analytic)")
        }
        for k in 0..<d {
            check({ itemIn[2 * d + k] }, { itemIn[2 * d + k] = $0 }, analytic: sink.inputs[0][2]![k], "e_i[\(k)]")
            for a in [1, 2, 3] {
                check({ attrOut[a * d + k] }, { attrOut[a * d + k] = $0 }, analytic: sink.outputs[1][a]![k], "e_a\(a)[\(k)]")
            }
        }
        for idx in stride(from: 0, to: d * d, by: 5) {
            check({ w[idx] }, { w[idx] = $0 }, analytic: sink.matrix[idx], "W[\(idx)]")
        }
        #expect(sink.outputs[1][4] == nil)
    }

    @Test func uncertaintyTermGradientAndClamp() {
        var c = TrainingConfiguration()
        c.weighting = .adaptive
        let weights = TaskWeights(config: c, names: ["item", "align.category"])
        var s: [Float] = [0.3, -1.2]
        let losses: [Float] = [2.5, 0.7]
        for t in 0..<2 {
            let analytic = s.withUnsafeBufferPointer { weights.logVarianceGradient(t, loss: losses[t], logVariance: $0.baseAddress!) }
            let eps: Float = 1e-3
            s[t] += eps
            let up = s.withUnsafeBufferPointer { weights.total(losses: losses, logVariance: $0.baseAddress!) }
            s[t] -= 2 * eps
            let down = s.withUnsafeBufferPointer { weights.total(losses: losses, logVariance: $0.baseAddress!) }
            s[t] += eps
            #expect(abs((up - down) / (2 * eps) - analytic) < 1e-2)
        }
        s = [-5, 0]
        s.withUnsafeMutableBufferPointer { weights.clamp($0.baseAddress!, count: 2) }
        #expect(abs(exp(s[0]) - 0.05) < 1e-6)
        #expect(s[1] == 0)
        let w = s.withUnsafeBufferPointer { weights.weight(0, logVariance: $0.baseAddress!) }
        #expect(abs(w - 20) < 1e-3)
        c.weighting = .static
        let st = TaskWeights(config: c, names: ["item", "category"])
        #expect(s.withUnsafeBufferPointer { st.weight(0, logVariance: $0.baseAddress!) } == 0.05)
        #expect(s.withUnsafeBufferPointer { st.weight(1, logVariance: $0.baseAddress!) } == 1)
    }

    @Test func fastSigmoidIsAccurate() {
        for x in stride(from: Float(-12), through: 12, by: 0.173) {
            #expect(abs(FastSigmoid.sigmoid(x) - 1 / (1 + exp(-x))) < 2e-6)
            #expect(abs(FastSigmoid.softplus(x) - Float(log1p(exp(Double(x))))) < 2e-5)
        }
    }
}
