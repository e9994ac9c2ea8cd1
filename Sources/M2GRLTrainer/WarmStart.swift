import Foundation
import M2GRLCore

/// Initial vectors from an earlier model for the daily rebuild: nodes whose external id persists keep
/// their vectors, new nodes start fresh; alignment matrices and task log-variances carry over by name.
public struct WarmStart: Sendable {
    public var dimension: Int
    /// view name → external id → input vector.
    public var input: [String: [String: [Float]]]
    /// view name → external id → output vector (only from checkpoints).
    public var output: [String: [String: [Float]]]
    /// attribute name → W (d×d).
    public var alignment: [String: [Float]]
    /// task name → s_t.
    public var logVariance: [String: Float]

    /// From a model bundle: its view tables and `W.<attr>` tables (output vectors start at zero).
    public init(bundle: ModelBundle) throws {
        guard let item = bundle.table(named: "item") else { throw TrainerError(.invalidCheckpoint, "warm-start model has no item table") }
        dimension = item.dimension
        input = [:]
        output = [:]
        alignment = [:]
        logVariance = [:]
        for t in bundle.tables {
            if t.kind == .view {
                var rows: [String: [Float]] = [:]
                for i in 0..<t.count { rows[t.ids[i]] = Array(t.row(i)) }
                input[t.name] = rows
            } else if t.name.hasPrefix("W."), t.count == t.dimension {
                alignment[String(t.name.dropFirst(2))] = t.values
            }
        }
        for (k, v) in bundle.configuration where k.hasPrefix("sigma2.") {
            if let s = Float(v), s > 0 { logVariance[String(k.dropFirst(7))] = log(s) }
        }
    }

    /// From a checkpoint directory: input and output vectors, W and s_t.
    public init(checkpointDirectory dir: URL) throws {
        let ck = try TrainerCheckpoint.read(from: dir)
        let st = ck.state
        dimension = st.dimension
        input = [:]
        output = [:]
        alignment = [:]
        logVariance = [:]
        let d = st.dimension
        for (v, name) in st.viewNames.enumerated() {
            let vocab = st.vocabularies[v]
            for (kind, key) in [("input", "input.\(v)"), ("output", "output.\(v)")] {
                guard let a = ck.arrays[key], a.count == vocab.count * d, !a.isEmpty else { continue }
                var rows: [String: [Float]] = [:]
                for i in 1..<vocab.count { rows[vocab[i]] = Array(a[(i * d)..<((i + 1) * d)]) }
                if kind == "input" { input[name] = rows } else { output[name] = rows }
            }
        }
        let aligns = st.taskNames.filter { $0.hasPrefix("align.") }
        for (a, name) in aligns.enumerated() { if let w = ck.arrays["W.\(a)"] { alignment[String(name.dropFirst(6))] = w } }
        if let s = ck.arrays["s"] { for (t, name) in st.taskNames.enumerated() where t < s.count { logVariance[name] = s[t] } }
    }

    /// Copies what persists into `trainer`'s freshly initialised parameters; returns rows kept per view.
    @discardableResult
    public func apply(to trainer: M2GRLTrainer) throws -> [String: Int] {
        let p = trainer.parameters
        guard dimension == p.dimension else {
            throw TrainerError(.invalidCheckpoint, "warm-start model has dimension \(dimension), this run \(p.dimension)")
        }
        let d = p.dimension
        var kept: [String: Int] = [:]
        for (v, view) in trainer.dataset.views.enumerated() where p.input[v].rows > 0 {
            var n = 0
            for i in 1..<view.nodeCount {
                let id = view.vocabulary[i]
                if let vec = input[view.name]?[id] { p.input[v].row(i).update(from: vec, count: d); n += 1 }
                if let vec = output[view.name]?[id] { p.output[v].row(i).update(from: vec, count: d) }
            }
            kept[view.name] = n
        }
        for (a, task) in trainer.plan.alignment.enumerated() {
            if let w = alignment[task.attribute], w.count == d * d { p.alignment[a].values.pointer.update(from: w, count: d * d) }
        }
        for (t, name) in trainer.plan.names.enumerated() { if let s = logVariance[name] { p.logVariance.values[t] = s } }
        return kept
    }
}
