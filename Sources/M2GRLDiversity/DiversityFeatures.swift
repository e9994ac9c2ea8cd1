import Foundation
import M2GRLCore

/// The frozen inputs of the metric model, one row per item: the item vector `e_i`
/// and its relational vector `e_ic = σ(W_ic·e_i)`.
///
/// Rows follow an explicit id order (for training: the dataset's item dense ids,
/// row 0 being the reserved placeholder); rows whose item has no vector are zero
/// and marked unavailable, so they never enter pairs, rankings or exported tables.
public struct DiversityFeatures: Sendable {
    /// External item id per row.
    public let ids: [String]
    /// Dimension of `e_i`.
    public let itemDimension: Int
    /// Dimension of `e_ic`.
    public let relationalDimension: Int
    /// `count × itemDimension` item vectors, row-major.
    public let item: [Float]
    /// `count × relationalDimension` relational vectors, row-major.
    public let relational: [Float]
    /// Whether each row has real vectors.
    public let available: [Bool]

    /// Features from explicit arrays; throws when shapes disagree.
    public init(ids: [String], itemDimension: Int, item: [Float], relationalDimension: Int, relational: [Float],
                available: [Bool]? = nil) throws {
        guard itemDimension > 0, relationalDimension > 0 else {
            throw DiversityError(.invalidInput, "feature dimensions must be positive")
        }
        guard item.count == ids.count * itemDimension, relational.count == ids.count * relationalDimension else {
            throw DiversityError(.invalidInput, "feature arrays do not hold \(ids.count) rows of \(itemDimension) and \(relationalDimension) floats")
        }
        let avail = available ?? [Bool](repeating: true, count: ids.count)
        guard avail.count == ids.count else { throw DiversityError(.invalidInput, "available flags: \(avail.count) for \(ids.count) rows") }
        self.ids = ids
        self.itemDimension = itemDimension
        self.relationalDimension = relationalDimension
        self.item = item
        self.relational = relational
        self.available = avail
    }

    /// Computes `e_ic = σ(W·e_i)` for every row of `itemTable`.
    ///
    /// - Parameters:
    ///   - rowIDs: the row order wanted (e.g. a dataset vocabulary); ids absent from the table become
    ///     unavailable zero rows. Nil keeps the table's own order.
    ///   - normalizeItems: store `e_i/||e_i||` as the item input (`e_ic` is always computed from the
    ///     raw `e_i`, as M2GRL trained it). Must match the model's `normalizesItems`.
    public init(itemTable: EmbeddingTable, alignment: ProjectionMatrix, rowIDs: [String]? = nil,
                normalizeItems: Bool = false) throws {
        let d = itemTable.dimension
        guard alignment.columns == d else {
            throw DiversityError(.invalidInput, "alignment matrix is \(alignment.rows)×\(alignment.columns), item vectors have dimension \(d)")
        }
        let ids = rowIDs ?? itemTable.ids
        var rowOf: [String: Int] = [:]
        rowOf.reserveCapacity(itemTable.count)
        for (i, id) in itemTable.ids.enumerated() where rowOf[id] == nil { rowOf[id] = i }
        let dr = alignment.rows
        var item = [Float](repeating: 0, count: ids.count * d)
        var rel = [Float](repeating: 0, count: ids.count * dr)
        var available = [Bool](repeating: false, count: ids.count)
        itemTable.values.withUnsafeBufferPointer { src in
            alignment.values.withUnsafeBufferPointer { w in
                item.withUnsafeMutableBufferPointer { dst in
                    rel.withUnsafeMutableBufferPointer { out in
                        for (r, id) in ids.enumerated() {
                            guard let s = rowOf[id] else { continue }
                            available[r] = true
                            let e = dst.baseAddress! + r * d
                            e.update(from: src.baseAddress! + s * d, count: d)
                            let o = out.baseAddress! + r * dr
                            Kernels.matVec(w.baseAddress!, rows: dr, columns: d, e, into: o)
                            for k in 0..<dr { o[k] = 1 / (1 + exp(-o[k])) }
                            if normalizeItems { Kernels.normalize(e, count: d) }
                        }
                    }
                }
            }
        }
        try self.init(ids: ids, itemDimension: d, item: item, relationalDimension: dr, relational: rel, available: available)
    }

    /// Number of rows (available or not).
    public var count: Int { ids.count }

    /// Row `r`'s item vector.
    public func itemVector(_ r: Int) -> ArraySlice<Float> { item[(r * itemDimension)..<((r + 1) * itemDimension)] }

    /// Row `r`'s relational vector.
    public func relationalVector(_ r: Int) -> ArraySlice<Float> {
        relational[(r * relationalDimension)..<((r + 1) * relationalDimension)]
    }

    /// Rows that have vectors.
    public var availableRows: [Int] { available.indices.filter { available[$0] } }
}
