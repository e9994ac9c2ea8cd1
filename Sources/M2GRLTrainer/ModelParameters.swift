import M2GRLData

/// The tasks of one run: one skip-gram task per trained view, one alignment task per item–attribute
/// relation whose attribute view is trained. Task `t < intra.count` is intra-view, the rest inter-view.
public struct TaskPlan: Sendable, Equatable {
    /// An intra-view skip-gram task over the sequences of `view` (dataset view index).
    public struct Intra: Sendable, Equatable {
        public var view: Int
        public var name: String
    }
    /// An item–attribute alignment task: relation index, attribute view index, task name "align.<attr>".
    public struct Alignment: Sendable, Equatable {
        public var relation: Int
        public var attributeView: Int
        public var attribute: String
        public var name: String { "align.\(attribute)" }
    }
    public var intra: [Intra]
    public var alignment: [Alignment]

    /// Task names in task-index order.
    public var names: [String] { intra.map(\.name) + alignment.map(\.name) }
    public var count: Int { intra.count + alignment.count }

    /// Builds the plan for `dataset` under `config` (`skipgram.views`, `alignment.enabled`).
    public init(dataset: PreparedDataset, config: TrainingConfiguration) throws {
        guard let first = dataset.views.first, first.name == "item" else {
            throw TrainerError(.invalidDataset, "views[0] must be the item view named \"item\"")
        }
        let wanted = config.views.isEmpty ? dataset.views.map(\.name) : config.views
        for name in wanted where dataset.view(named: name) == nil {
            throw TrainerError(.invalidConfiguration, "skipgram.views names '\(name)', which the dataset lacks (has \(dataset.views.map(\.name)))")
        }
        guard wanted.contains("item") else { throw TrainerError(.invalidConfiguration, "skipgram.views must include \"item\"") }
        intra = dataset.views.enumerated().filter { wanted.contains($0.element.name) }.map { Intra(view: $0.offset, name: $0.element.name) }
        alignment = []
        guard config.alignment else { return }
        for (r, rel) in dataset.relations.enumerated() where wanted.contains(rel.view) {
            guard let v = dataset.views.firstIndex(where: { $0.name == rel.view }), v != 0 else {
                throw TrainerError(.invalidDataset, "relation '\(rel.view)' has no attribute view")
            }
            guard rel.attributeOfItem.count == dataset.views[0].nodeCount else {
                throw TrainerError(.invalidDataset, "relation '\(rel.view)': attributeOfItem has \(rel.attributeOfItem.count) entries for \(dataset.views[0].nodeCount) items")
            }
            alignment.append(Alignment(relation: r, attributeView: v, attribute: rel.view))
        }
    }
}

/// All learnable parameters: per view an input and an output table, per alignment task a `d×d`
/// matrix `W`, and per task the log-variance `s_t` of the uncertainty weighting.
public final class ModelParameters: Sendable {
    public let dimension: Int
    /// Per dataset view; views no task uses have 0 rows.
    public let input: [ParameterMatrix]
    public let output: [ParameterMatrix]
    /// Per alignment task, `d × d` row-major.
    public let alignment: [ParameterMatrix]
    /// `1 × taskCount`: `s_t = log σ_t²`.
    public let logVariance: ParameterMatrix

    /// Allocates and initialises: input uniform(±0.5/d), output zeros, `W` Glorot-uniform, `s_t = 0`.
    public init(dataset: PreparedDataset, plan: TaskPlan, dimension d: Int, adam: Bool, seed: UInt64) {
        dimension = d
        let used = Set(plan.intra.map(\.view) + [0] + plan.alignment.map(\.attributeView))
        var input: [ParameterMatrix] = [], output: [ParameterMatrix] = []
        for (v, view) in dataset.views.enumerated() {
            let rows = used.contains(v) ? view.nodeCount : 0
            let inp = ParameterMatrix(rows: rows, dimension: d, withMoments: adam)
            var rng = Xoshiro256(seed: seed, stream: 1, UInt64(v))
            let p = inp.values.pointer
            if rows > 1 { for i in d..<(rows * d) { p[i] = (rng.unitFloat() - 0.5) / Float(d) } }  // row 0 stays zero
            input.append(inp)
            output.append(ParameterMatrix(rows: rows, dimension: d, withMoments: adam))
        }
        self.input = input
        self.output = output
        let limit = (6 / Float(2 * d)).squareRoot()
        alignment = plan.alignment.enumerated().map { (a, _) in
            let w = ParameterMatrix(rows: d, dimension: d, withMoments: adam)
            var rng = Xoshiro256(seed: seed, stream: 2, UInt64(a))
            for i in 0..<(d * d) { w.values.pointer[i] = (rng.unitFloat() * 2 - 1) * limit }
            return w
        }
        logVariance = ParameterMatrix(rows: 1, dimension: plan.count, withMoments: true)
    }
}
