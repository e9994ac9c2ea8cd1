import Foundation

/// Adam steps (Kingma & Ba) with bias correction by the global step; embedding tables are updated
/// lazily: only rows with a gradient in this batch have their moments and values touched.
public struct AdamUpdater: Sendable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float

    public init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The bias-corrected step size at step `t` (1-based).
    @inline(__always)
    public func stepSize(_ t: Int) -> Float {
        let tt = Float(max(t, 1))
        return learningRate * (1 - pow(beta2, tt)).squareRoot() / (1 - pow(beta1, tt))
    }

    /// Updates `count` contiguous parameters from gradient `g · scale`.
    @inline(__always)
    public func update(values: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                       gradient g: UnsafePointer<Float>, scale: Float, count: Int, step: Int) {
        let lr = stepSize(step)
        let b1 = beta1, b2 = beta2, eps = epsilon
        for k in 0..<count {
            let gk = g[k] * scale
            let mk = b1 * m[k] + (1 - b1) * gk
            let vk = b2 * v[k] + (1 - b2) * gk * gk
            m[k] = mk
            v[k] = vk
            values[k] -= lr * mk / (vk.squareRoot() + eps)
        }
    }

    /// Lazy update of the rows a sparse gradient touched.
    public func update(_ matrix: ParameterMatrix, with gradient: SparseGradient, scale: Float, step: Int) {
        guard let m1 = matrix.moment1, let m2 = matrix.moment2 else { return }
        let d = matrix.dimension
        for (slot, row) in gradient.touched.enumerated() {
            let off = Int(row) * d
            update(values: matrix.values.pointer + off, m: m1.pointer + off, v: m2.pointer + off,
                   gradient: gradient.values + slot * d, scale: scale, count: d, step: step)
        }
    }

    /// Dense update of a whole matrix.
    public func update(_ matrix: ParameterMatrix, with gradient: UnsafePointer<Float>, scale: Float, step: Int) {
        guard let m1 = matrix.moment1, let m2 = matrix.moment2 else { return }
        update(values: matrix.values.pointer, m: m1.pointer, v: m2.pointer, gradient: gradient, scale: scale,
               count: matrix.rows * matrix.dimension, step: step)
    }
}
