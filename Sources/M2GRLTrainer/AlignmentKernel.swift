/// Working memory of the alignment kernel for one thread.
///
/// `@unchecked Sendable`: owned by exactly one worker thread.
public final class AlignmentScratch: @unchecked Sendable {
    let dimension: Int
    let maxTargets: Int
    /// u_i / r_i / ∂r_i / ∂e_i, and per target r_a, ∂u_a, ∂e_a.
    let ri, dri, dei: UnsafeMutablePointer<Float>
    let ra, dua, dea: UnsafeMutablePointer<Float>
    let targets: UnsafeMutablePointer<Int32>

    public init(dimension: Int, negatives: Int) {
        self.dimension = dimension
        maxTargets = negatives + 1
        // Per-thread working memory: cache-line padded so two workers never share a line.
        ri = CacheLinePadded.allocate(Float.self, count: dimension)
        dri = CacheLinePadded.allocate(Float.self, count: dimension)
        dei = CacheLinePadded.allocate(Float.self, count: dimension)
        ra = CacheLinePadded.allocate(Float.self, count: dimension * maxTargets)
        dua = CacheLinePadded.allocate(Float.self, count: dimension * maxTargets)
        dea = CacheLinePadded.allocate(Float.self, count: dimension * maxTargets)
        targets = CacheLinePadded.allocate(Int32.self, count: maxTargets)
    }

    deinit { for p in [ri, dri, dei, ra, dua, dea] { CacheLinePadded.deallocate(p) }; CacheLinePadded.deallocate(targets) }
}

/// The inter-view task for one (item, attribute) occurrence: `r_i = σ(W·e_i)`, `r_a = σ(W·e_a)`,
/// score `s = r_i·r_a`, binary cross-entropy with label 1 for the true attribute and 0 for each sampled
/// one. `e_i` is the item's input row, `e_a` the attribute's output row (M2GRL.md §2).
///
/// With `center` c > 0 (`alignment.centered`: c = ½) the score is `(r_i − c)·(r_a − c)`. As written
/// (c = 0) every score is positive and grows with d (~d/4 at start), so a sampled attribute can never
/// score below probability ½: the negatives' gradient pushes every `σ(W·e)` towards 0 whatever the
/// category, and the loss (~d/4 per negative) drives the uncertainty weight of the task to ~0.
/// Centred, scores are signed and start near 0.
public enum AlignmentKernel {
    /// Adds `coef · ∂loss/∂θ` for `e_i`, every `e_a` and `W` into `sink`; returns the loss.
    /// Gradients are computed with the parameters as they were on entry. `itemScale` further scales
    /// the gradient into the item's input row (`alignment.item_scale`).
    @inline(__always)
    public static func train<S: GradientSink>(
        task: Int, attributeView: Int, item: Int, attribute: Int, negatives: UnsafePointer<Int32>, negativeCount: Int,
        itemInput: UnsafeMutablePointer<Float>, attributeOutput: UnsafeMutablePointer<Float>, w: UnsafeMutablePointer<Float>,
        dimension d: Int, coef: Float, itemScale: Float = 1, center: Float = 0, scratch: AlignmentScratch, sink: inout S
    ) -> Float {
        let ei = itemInput + item * d
        let ri = scratch.ri, dri = scratch.dri
        VectorMath.matVec(w, ei, ri, rows: d, cols: d)
        for k in 0..<d { ri[k] = FastSigmoid.sigmoid(ri[k]) }
        dri.update(repeating: 0, count: d)
        var n = 0
        scratch.targets[n] = Int32(attribute); n += 1
        for j in 0..<negativeCount where negatives[j] != Int32(attribute) { scratch.targets[n] = negatives[j]; n += 1 }
        var loss: Float = 0
        for j in 0..<n {
            let ea = attributeOutput + Int(scratch.targets[j]) * d
            let ra = scratch.ra + j * d, dua = scratch.dua + j * d
            VectorMath.matVec(w, ea, ra, rows: d, cols: d)
            for k in 0..<d { ra[k] = FastSigmoid.sigmoid(ra[k]) }
            let label: Float = j == 0 ? 1 : 0
            var s: Float = 0
            if center == 0 { s = VectorMath.dot(ri, ra, d) } else { for k in 0..<d { s += (ri[k] - center) * (ra[k] - center) } }
            let g = FastSigmoid.sigmoid(s) - label
            loss += j == 0 ? FastSigmoid.softplus(-s) : FastSigmoid.softplus(s)
            if center == 0 {
                VectorMath.axpy(g, ra, dri, d)
                for k in 0..<d { dua[k] = g * ri[k] * ra[k] * (1 - ra[k]) }
            } else {
                for k in 0..<d {
                    dri[k] += g * (ra[k] - center)
                    dua[k] = g * (ri[k] - center) * ra[k] * (1 - ra[k])
                }
            }
        }
        // ∂u_i = ∂r_i ⊙ r_i(1 − r_i), reusing dri.
        for k in 0..<d { dri[k] = dri[k] * ri[k] * (1 - ri[k]) }
        // ∂e = Wᵀ∂u with the entry W.
        let dei = scratch.dei
        dei.update(repeating: 0, count: d)
        VectorMath.matTVecAdd(w, dri, dei, rows: d, cols: d)
        for j in 0..<n {
            let dea = scratch.dea + j * d
            dea.update(repeating: 0, count: d)
            VectorMath.matTVecAdd(w, scratch.dua + j * d, dea, rows: d, cols: d)
        }
        // ∂W = ∂u_i ⊗ e_i + Σ ∂u_a ⊗ e_a, with the entry embeddings.
        let dw = sink.alignment(task)
        VectorMath.outerAdd(coef, dri, ei, dw, rows: d, cols: d)
        for j in 0..<n {
            VectorMath.outerAdd(coef, scratch.dua + j * d, attributeOutput + Int(scratch.targets[j]) * d, dw, rows: d, cols: d)
        }
        VectorMath.axpy(coef * itemScale, dei, sink.input(0, item), d)
        for j in 0..<n {
            VectorMath.axpy(coef, scratch.dea + j * d, sink.output(attributeView, Int(scratch.targets[j])), d)
        }
        return loss
    }
}
