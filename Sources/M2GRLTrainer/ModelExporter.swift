import Foundation
import M2GRLCore
import M2GRLData

/// Turns a trainer's parameters into a `ModelBundle` (docs/TRAINING.md, "Outputs"):
/// - per trained view its input table, named by the view (kind `.view`);
/// - per alignment task `rel.<attr>.item` = σ(W·e_item) over item input rows and `rel.<attr>.<attr>` =
///   σ(W·e_attr) over the attribute's output rows (the vectors the task aligned; kind `.relational`);
/// - per alignment task its matrix as table `W.<attr>`: `d` rows with ids "0"…"d-1", row r = W[r, ·]
///   (kind `.relational`), so σ(W·e) can be recomputed downstream;
/// - item metadata, the flattened configuration and the given metrics.
public enum ModelExporter {
    /// The input table of dataset view `view`, with external ids, without the reserved row 0.
    public static func viewTable(_ trainer: M2GRLTrainer, view: Int) -> EmbeddingTable {
        let v = trainer.dataset.views[view]
        let m = trainer.parameters.input[view]
        let d = m.dimension
        let values = Array(UnsafeBufferPointer(start: m.values.pointer + d, count: max(0, m.rows - 1) * d))
        return EmbeddingTable(name: v.name, kind: .view, dimension: d, ids: Array(v.vocabulary.dropFirst()), values: values)
    }

    /// σ(W·e) for every row of `matrix` but row 0.
    static func relational(name: String, w: ParameterMatrix, rows matrix: ParameterMatrix, ids: [String]) -> EmbeddingTable {
        let d = matrix.dimension
        var values = [Float](repeating: 0, count: max(0, matrix.rows - 1) * d)
        values.withUnsafeMutableBufferPointer { out in
            for r in 1..<max(matrix.rows, 1) {
                let o = out.baseAddress! + (r - 1) * d
                VectorMath.matVec(w.values.pointer, matrix.row(r), o, rows: d, cols: d)
                for k in 0..<d { o[k] = 1 / (1 + exp(-o[k])) }
            }
        }
        return EmbeddingTable(name: name, kind: .relational, dimension: d, ids: ids, values: values)
    }

    /// The complete bundle.
    public static func bundle(_ trainer: M2GRLTrainer, metrics: [String: Double] = [:],
                              extraConfiguration: [String: String] = [:]) -> ModelBundle {
        let ds = trainer.dataset
        var tables = trainer.plan.intra.map { viewTable(trainer, view: $0.view) }
        for (a, task) in trainer.plan.alignment.enumerated() {
            let w = trainer.parameters.alignment[a]
            tables.append(relational(name: "rel.\(task.attribute).item", w: w, rows: trainer.parameters.input[0],
                                     ids: Array(ds.views[0].vocabulary.dropFirst())))
            tables.append(relational(name: "rel.\(task.attribute).\(task.attribute)", w: w,
                                     rows: trainer.parameters.output[task.attributeView],
                                     ids: Array(ds.views[task.attributeView].vocabulary.dropFirst())))
        }
        for (a, task) in trainer.plan.alignment.enumerated() {
            let d = trainer.parameters.dimension
            tables.append(EmbeddingTable(name: "W.\(task.attribute)", kind: .parameter, dimension: d,
                                         ids: (0..<d).map(String.init), values: trainer.parameters.alignment[a].values.array))
        }
        let items = ds.items.dropFirst().map { ItemMetadata(id: $0.id, displayName: $0.displayName, attributes: $0.attributes) }
        var configuration = trainer.config.flattened
        configuration["tasks"] = trainer.plan.names.joined(separator: ",")
        let s = trainer.parameters.logVariance.values.pointer
        let weights = TaskWeights(config: trainer.config, names: trainer.plan.names)
        for (t, name) in trainer.plan.names.enumerated() {
            configuration["sigma2.\(name)"] = "\(weights.variance(t, logVariance: s))"
        }
        for (k, v) in extraConfiguration { configuration[k] = v }
        return ModelBundle(tables: tables, items: items, configuration: configuration, metrics: metrics, dataWindow: ds.source)
    }
}
