/// Accumulates the contrastive-loss gradient of a slice of pairs w.r.t. `L_i` and `L_ic`.
///
/// For a pair with `u_i = L_i Δ_i`, `u_ic = L_ic Δ_ic`, `d = ||u_i||² + ||u_ic||²` and
/// `g = ∂loss/∂d`: `∂loss/∂L_i = 2g·u_i Δ_iᵀ` and `∂loss/∂L_ic = 2g·u_ic Δ_icᵀ`.
final class GradientWorker: @unchecked Sendable {
    // @unchecked Sendable: a worker's buffers are touched by exactly one concurrentPerform
    // iteration per batch, and the trainer reads them only after concurrentPerform returns.
    let p: Int, di: Int, dr: Int
    var gradItem: [Float]
    var gradRelational: [Float]
    var loss = 0.0
    private var deltaItem: [Float]
    private var deltaRelational: [Float]
    private var uItem: [Float]
    private var uRelational: [Float]

    init(p: Int, itemDimension di: Int, relationalDimension dr: Int) {
        self.p = p
        self.di = di
        self.dr = dr
        gradItem = [Float](repeating: 0, count: p * di)
        gradRelational = [Float](repeating: 0, count: p * dr)
        deltaItem = [Float](repeating: 0, count: di)
        deltaRelational = [Float](repeating: 0, count: dr)
        uItem = [Float](repeating: 0, count: p)
        uRelational = [Float](repeating: 0, count: p)
    }

    /// Resets the buffers and accumulates the (summed, not averaged) gradient and loss of `pairs`.
    func run(_ pairs: ArraySlice<LabeledPair>, features: DiversityFeatures, itemFactor li: [Float],
             relationalFactor lic: [Float], margin: Double) {
        loss = 0
        let p = p, di = di, dr = dr
        gradItem.withUnsafeMutableBufferPointer { gi in
            gradRelational.withUnsafeMutableBufferPointer { gr in
                deltaItem.withUnsafeMutableBufferPointer { dx in
                    deltaRelational.withUnsafeMutableBufferPointer { dz in
                        uItem.withUnsafeMutableBufferPointer { ui in
                            uRelational.withUnsafeMutableBufferPointer { ur in
                                features.item.withUnsafeBufferPointer { e in
                                    features.relational.withUnsafeBufferPointer { r in
                                        li.withUnsafeBufferPointer { lip in
                                            lic.withUnsafeBufferPointer { licp in
                                                gi.update(repeating: 0)
                                                gr.update(repeating: 0)
                                                for pair in pairs {
                                                    let a = Int(pair.a), b = Int(pair.b)
                                                    for k in 0..<di { dx[k] = e[a * di + k] - e[b * di + k] }
                                                    for k in 0..<dr { dz[k] = r[a * dr + k] - r[b * dr + k] }
                                                    Kernels.matVec(lip.baseAddress!, rows: p, columns: di, dx.baseAddress!, into: ui.baseAddress!)
                                                    Kernels.matVec(licp.baseAddress!, rows: p, columns: dr, dz.baseAddress!, into: ur.baseAddress!)
                                                    let d = Double(Kernels.squaredNorm(ui.baseAddress!, count: p))
                                                        + Double(Kernels.squaredNorm(ur.baseAddress!, count: p))
                                                    loss += ContrastiveLoss.value(distance: d, positive: pair.positive, margin: margin)
                                                    let g = Float(2 * ContrastiveLoss.derivative(distance: d, positive: pair.positive, margin: margin))
                                                    if g == 0 { continue }
                                                    Kernels.addOuter(gi.baseAddress!, rows: p, columns: di, alpha: g, ui.baseAddress!, dx.baseAddress!)
                                                    Kernels.addOuter(gr.baseAddress!, rows: p, columns: dr, alpha: g, ur.baseAddress!, dz.baseAddress!)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
