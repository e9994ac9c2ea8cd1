import Foundation

/// Per-task loss weights: homoscedastic uncertainty (`L = Σ exp(−s_t)·L_t + s_t`, `s_t = log σ_t²`
/// learned, clamped so that `σ_t² ≥ minVariance`), or static / uniform constants.
public struct TaskWeights: Sendable {
    public let mode: TrainingConfiguration.Weighting
    /// Task names in task order; the task named "item" is the item task.
    public let names: [String]
    let staticItem: Float
    let staticOther: Float
    /// `log(minVariance)`: the floor of `s_t`.
    public let minLogVariance: Float

    public init(config: TrainingConfiguration, names: [String]) {
        mode = config.weighting
        self.names = names
        staticItem = Float(config.staticItemWeight)
        staticOther = Float(config.staticOtherWeight)
        minLogVariance = Float(log(config.minVariance))
    }

    /// The weight `w_t` of task `t` given the current log-variances.
    @inline(__always)
    public func weight(_ t: Int, logVariance: UnsafePointer<Float>) -> Float {
        switch mode {
        case .adaptive: return exp(-logVariance[t])
        case .static: return names[t] == "item" ? staticItem : staticOther
        case .uniform: return 1
        }
    }

    /// `σ_t²` as reported (for static and uniform weighting, `1 / w_t`).
    public func variance(_ t: Int, logVariance: UnsafePointer<Float>) -> Float {
        mode == .adaptive ? exp(logVariance[t]) : 1 / weight(t, logVariance: logVariance)
    }

    /// `∂L/∂s_t = 1 − exp(−s_t)·L_t` for a task whose batch-mean loss is `loss`; 0 unless adaptive.
    @inline(__always)
    public func logVarianceGradient(_ t: Int, loss: Float, logVariance: UnsafePointer<Float>) -> Float {
        mode == .adaptive ? 1 - exp(-logVariance[t]) * loss : 0
    }

    /// The regularised total `Σ w_t·L_t + s_t` (adaptive) or `Σ w_t·L_t` for the given per-task losses.
    public func total(losses: [Float], logVariance: UnsafePointer<Float>) -> Float {
        var sum: Float = 0
        for t in losses.indices {
            sum += weight(t, logVariance: logVariance) * losses[t] + (mode == .adaptive ? logVariance[t] : 0)
        }
        return sum
    }

    /// Clamps `s_t ≥ log(minVariance)` (the value is clamped; its gradient keeps flowing next step).
    @inline(__always)
    public func clamp(_ logVariance: UnsafeMutablePointer<Float>, count: Int) {
        for t in 0..<count where logVariance[t] < minLogVariance { logVariance[t] = minLogVariance }
    }
}
