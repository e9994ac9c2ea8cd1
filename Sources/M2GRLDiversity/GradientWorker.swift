/// Accumulates the contrastive-loss gradient of a slice of pairs w.r.t. `L_i` and `L_ic`.
///
/// For a pair with `u_i = L_i Δ_i`, `u_ic = L_ic Δ_ic`, `d = ||u_i||² + ||u_ic||²` and
/// `g = ∂loss/∂d`: `∂loss/∂L_i = 2g·u_i Δ_iᵀ` and `∂loss/∂L_ic = 2g·u_ic Δ_icᵀ`.
final class GradientWorker: @unchecked Sendable {
    // @unchecked Sendable: a worker's buffers are touched by exactly one concurrentPerform
    // iteration per batch, and the trainer reads them only after concurrentPerform returns.
    let p: Int, di: Int, dr: Int
    /// Summed gradient w.r.t. `L_i` (p × d_i) of the last `run`.
    let gradItem: UnsafeMutableBufferPointer<Float>
    /// Summed gradient w.r.t. `L_ic` (p × d_ic) of the last `run`.
    let gradRelational: UnsafeMutableBufferPointer<Float>
    /// Summed loss of the last `run`.
    private(set) var loss = 0.0
    private let deltaItem: UnsafeMutablePointer<Float>
    private let deltaRelational: UnsafeMutablePointer<Float>
    private let uItem: UnsafeMutablePointer<Float>
    private let uRelational: UnsafeMutablePointer<Float>

    init(p: Int, itemDimension di: Int, relationalDimension dr: Int) {
        self.p = p
        self.di = di
        self.dr = dr
        gradItem = .allocate(capacity: p * di)
        gradRelational = .allocate(capacity: p * dr)
        deltaItem = .allocate(capacity: di)
        deltaRelational = .allocate(capacity: dr)
        uItem = .allocate(capacity: p)
        uRelational = .allocate(capacity: p)
        gradItem.initialize(repeating: 0)
        gradRelational.initialize(repeating: 0)
    }

    deinit {
        gradItem.deallocate()
        gradRelational.deallocate()
        deltaItem.deallocate()
        deltaRelational.deallocate()
        uItem.deallocate()
        uRelational.deallocate()
    }

    /// Resets the buffers and accumulates the (summed, not averaged) gradient and loss of `pairs`.
    func run(_ pairs: ArraySlice<LabeledPair>, features: DiversityFeatures, itemFactor li: [Float],
             relationalFactor lic: [Float], margin: Double) {
        loss = 0
        gradItem.update(repeating: 0)
        gradRelational.update(repeating: 0)
        let p = p, di = di, dr = dr
        let dx = deltaItem, dz = deltaRelational, ui = uItem, ur = uRelational
        let gi = gradItem.baseAddress!, gr = gradRelational.baseAddress!
        features.item.withUnsafeBufferPointer { eBuf in
            features.relational.withUnsafeBufferPointer { rBuf in
                li.withUnsafeBufferPointer { liBuf in
                    lic.withUnsafeBufferPointer { licBuf in
                        let e = eBuf.baseAddress!, r = rBuf.baseAddress!, lip = liBuf.baseAddress!, licp = licBuf.baseAddress!
                        for pair in pairs {
                            let a = Int(pair.a), b = Int(pair.b)
                            for k in 0..<di { dx[k] = e[a * di + k] - e[b * di + k] }
                            for k in 0..<dr { dz[k] = r[a * dr + k] - r[b * dr + k] }
                            Kernels.matVec(lip, rows: p, columns: di, dx, into: ui)
                            Kernels.matVec(licp, rows: p, columns: dr, dz, into: ur)
                            let d = Double(Kernels.squaredNorm(ui, count: p)) + Double(Kernels.squaredNorm(ur, count: p))
                            loss += ContrastiveLoss.value(distance: d, positive: pair.positive, margin: margin)
                            let g = Float(2 * ContrastiveLoss.derivative(distance: d, positive: pair.positive, margin: margin))
                            if g == 0 { continue }
                            Kernels.addOuter(gi, rows: p, columns: di, alpha: g, ui, dx)
                            Kernels.addOuter(gr, rows: p, columns: dr, alpha: g, ur, dz)
                        }
                    }
                }
            }
        }
    }
}
