import M2GRLCore

/// Divergence checks: cheap per-epoch checks of the accumulated losses and `σ_t²`, and one scan of
/// every parameter before a model is handed out, so a NaN/∞ model is never written.
extension M2GRLTrainer {
    /// The first task whose epoch loss (when it had examples) or `σ_t²` is not finite, described.
    func divergence(_ s: EpochSummary, counts: [Int]) -> String? {
        for (t, name) in plan.names.enumerated() {
            if counts[t] > 0, !s.losses[t].isFinite { return "task \(name) loss \(s.losses[t])" }
            if !s.variances[t].isFinite { return "task \(name) σ² \(s.variances[t])" }
        }
        return nil
    }

    func divergedError(epoch: Int, _ failure: String) -> TrainerError {
        var hint = "lower the learning rate (optimizer.learning_rate = \(config.learningRate))"
        if config.optimizer == .adam { hint += " or optimizer.clip_norm (\(config.clipNorm))" }
        if config.weighting == .adaptive { hint += " or weighting.learning_rate (\(config.weightLearningRate))" }
        return TrainerError(.diverged, "training diverged at epoch \(epoch) (\(failure)): \(hint); no model was written")
    }

    /// The name of the first parameter table holding a NaN or infinity (`input.VIEW`, `output.VIEW`,
    /// `W.ATTRIBUTE`, `s`), or nil when every value is finite.
    public func firstNonFiniteParameter() -> String? {
        func finite(_ m: ParameterMatrix) -> Bool {
            FiniteScan.firstNonFinite(UnsafeBufferPointer(start: m.values.pointer, count: m.values.count)) == nil
        }
        let p = parameters
        for (v, view) in dataset.views.enumerated() {
            if !finite(p.input[v]) { return "input.\(view.name)" }
            if !finite(p.output[v]) { return "output.\(view.name)" }
        }
        for (a, task) in plan.alignment.enumerated() where !finite(p.alignment[a]) { return "W.\(task.attribute)" }
        return finite(p.logVariance) ? nil : "s"
    }
}
