/// The intra-view task: skip-gram with negative sampling for one positive pair.
///
/// Loss `−log σ(v'_o·v_i) − Σ_k log σ(−v'_n·v_i)`, `v_i` = input row of the centre, `v'` = output rows.
/// Negatives equal to the positive context are skipped (as word2vec does).
public enum SkipGramKernel {
    /// Adds `coef · ∂loss/∂θ` for the rows involved into `sink`; returns the loss.
    /// - Parameter scratch: `dimension` floats of working space.
    @inline(__always)
    public static func train<S: GradientSink>(
        view: Int, center: Int, context: Int, negatives: UnsafePointer<Int32>, negativeCount: Int,
        input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, dimension d: Int,
        coef: Float, scratch: UnsafeMutablePointer<Float>, sink: inout S
    ) -> Float {
        let vIn = input + center * d
        // Touch every output row first so their cache misses overlap instead of queueing one by
        // one inside the dependent dot products (a software prefetch; the xor keeps the loads alive).
        var touch = (output + context * d).pointee.bitPattern
        for n in 0..<negativeCount { touch ^= (output + Int(negatives[n]) * d).pointee.bitPattern }
        scratch.update(repeating: 0, count: d)
        scratch[0] = touch == 0x7FC0_0001 ? 1e-30 : 0  // consumes `touch`; a 1e-30 nudge at worst
        var loss: Float = 0
        var j = -1
        while j < negativeCount {
            let target: Int
            let label: Float
            if j < 0 { target = context; label = 1 } else {
                target = Int(negatives[j])
                label = 0
                if target == context { j += 1; continue }
            }
            j += 1
            let vOut = output + target * d
            let f = VectorMath.dot(vIn, vOut, d)
            let g = FastSigmoid.sigmoid(f) - label
            loss += label > 0 ? FastSigmoid.softplus(-f) : FastSigmoid.softplus(f)
            let dst = sink.output(view, target)
            if dst == vOut {  // SGD: the gradient goes straight into the row; one fused pass
                VectorMath.accumulateAndUpdate(g, vOut, into: scratch, coef * g, vIn, d)
            } else {
                VectorMath.axpy(g, vOut, scratch, d)
                VectorMath.axpy(coef * g, vIn, dst, d)
            }
        }
        VectorMath.axpy(coef, scratch, sink.input(view, center), d)
        return loss
    }
}
