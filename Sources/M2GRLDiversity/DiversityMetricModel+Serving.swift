import M2GRLCore

/// Serving by inner product only (exact; weights per query, no rebuild).
///
/// Stored, per item b (dimension 2p + 2):
///
///     z_b = [ L_i e_i^b ; L_ic e_ic^b ; ||L_i e_i^b||² ; ||L_ic e_ic^b||² ]
///
/// Query for item a and weights (w_i, w_ic):
///
///     q_a = [ 2w_i·L_i e_i^a ; 2w_ic·L_ic e_ic^a ; −w_i ; −w_ic ]
///
/// so `q_a·z_b = −w_i·d_i(a,b) − w_ic·d_ic(a,b) + (w_i||L_i e_i^a||² + w_ic||L_ic e_ic^a||²)`:
/// the last term does not depend on b, hence maximum inner product = minimum weighted distance.
extension DiversityMetricModel {
    /// Name of the stored-vector table (kind `.metric`, dimension 2p + 2).
    public static let storedTableName = "diversity"
    /// Name of the per-item projection table `[L_i e_i ; L_ic e_ic]` (kind `.metric`, dimension 2p).
    public static let queryTableName = "diversity.query"
    /// Name of the serialised model attachment inside a ModelBundle.
    public static let attachmentName = "diversity.json"

    /// `[L_i e_i ; L_ic e_ic]` for every available row of `features`, as rows of 2p floats.
    public func projectedVectors(for features: DiversityFeatures) throws -> (ids: [String], rows: [Int], values: [Float]) {
        try check(features)
        let p = projectionDimension, di = itemDimension, dr = relationalDimension
        let rows = features.availableRows
        var out = [Float](repeating: 0, count: rows.count * 2 * p)
        features.item.withUnsafeBufferPointer { e in
            features.relational.withUnsafeBufferPointer { r in
                itemFactor.values.withUnsafeBufferPointer { li in
                    relationalFactor.values.withUnsafeBufferPointer { lic in
                        out.withUnsafeMutableBufferPointer { o in
                            for (k, row) in rows.enumerated() {
                                let dst = o.baseAddress! + k * 2 * p
                                Kernels.matVec(li.baseAddress!, rows: p, columns: di, e.baseAddress! + row * di, into: dst)
                                Kernels.matVec(lic.baseAddress!, rows: p, columns: dr, r.baseAddress! + row * dr, into: dst + p)
                            }
                        }
                    }
                }
            }
        }
        return (rows.map { features.ids[$0] }, rows, out)
    }

    /// The table `diversity.query`: `[L_i e_i ; L_ic e_ic]` per available item (a server turns a row
    /// into a query with `queryVector(fromProjected:weights:)`).
    public func queryTable(for features: DiversityFeatures) throws -> EmbeddingTable {
        let p = try projectedVectors(for: features)
        return EmbeddingTable(name: Self.queryTableName, kind: .metric, dimension: 2 * projectionDimension,
                              ids: p.ids, values: p.values)
    }

    /// The table `diversity`: the stored vectors `z_b` (dimension 2p + 2) per available item.
    public func storedVectors(for features: DiversityFeatures) throws -> EmbeddingTable {
        let p = projectionDimension
        let proj = try projectedVectors(for: features)
        let n = proj.ids.count
        var values = [Float](repeating: 0, count: n * (2 * p + 2))
        for k in 0..<n {
            let src = proj.values[(k * 2 * p)..<((k + 1) * 2 * p)]
            values.replaceSubrange((k * (2 * p + 2))..<(k * (2 * p + 2) + 2 * p), with: src)
            var ni: Float = 0, nr: Float = 0
            for (j, x) in src.enumerated() { if j < p { ni += x * x } else { nr += x * x } }
            values[k * (2 * p + 2) + 2 * p] = ni
            values[k * (2 * p + 2) + 2 * p + 1] = nr
        }
        return EmbeddingTable(name: Self.storedTableName, kind: .metric, dimension: 2 * p + 2, ids: proj.ids, values: values)
    }

    /// The query vector `q_a` (dimension 2p + 2) for an item vector `e_i^a`.
    public func queryVector(forItemVector itemVector: [Float], weights: DiversityWeights = DiversityWeights()) throws -> [Float] {
        let (pi, pic) = try project(itemVector: itemVector)
        return try Self.queryVector(fromProjected: pi + pic, weights: weights)
    }

    /// The query vector `q_a` from a `diversity.query` row `[L_i e_i^a ; L_ic e_ic^a]` (2p floats).
    public static func queryVector<C: Collection>(fromProjected projected: C, weights: DiversityWeights = DiversityWeights()) throws -> [Float]
    where C.Element == Float {
        try weights.validate()
        guard projected.count >= 2, projected.count % 2 == 0 else {
            throw DiversityError(.invalidInput, "a projected row has 2p floats, got \(projected.count)")
        }
        let p = projected.count / 2
        var q = [Float]()
        q.reserveCapacity(2 * p + 2)
        for (j, x) in projected.enumerated() { q.append(2 * (j < p ? weights.item : weights.relational) * x) }
        q.append(-weights.item)
        q.append(-weights.relational)
        return q
    }
}
