import Foundation
import M2GRLCore
import M2GRLDiversity
import Snapshot
import VectorIndex

/// A snapshot with a real diversity model: random item vectors, random `W`, `L_i`, `L_ic`; views
/// `item`, `diversity` and `diversity.query` (Faiss Flat), `diversity.json`, item categories.
struct DiverseFixture {
    static let itemCount = 240
    static let categories = ["Action", "Comedy", "Drama", "Horror", "Romance", "Western"]

    let snapshot: LoadedSnapshot
    let model: DiversityMetricModel
    let features: DiversityFeatures
    /// Category per feature row ("" = none).
    let categoryOfRow: [String]
    /// The `item` table and item metadata the snapshot was built from.
    let itemTable: EmbeddingTable
    let items: [ItemMetadata]
    /// Item keys by feature row (ids are 1...itemCount, so key = row + 1).
    var keys: [Int64] { (1...Self.itemCount).map(Int64.init) }

    init(seed: UInt64 = 7, dimension d: Int = 8, projection p: Int = 6) throws {
        var rng = SeededGenerator(seed: seed)
        let ids = (1...Self.itemCount).map(String.init)
        let itemValues = (0..<(Self.itemCount * d)).map { _ in Float(rng.nextGaussian()) }
        let itemTable = EmbeddingTable(name: "item", kind: .view, dimension: d, ids: ids, values: itemValues)
        self.itemTable = itemTable
        let w = try ProjectionMatrix.gaussian(rows: d, columns: d, scale: 2, using: &rng)
        model = try DiversityMetricModel(itemFactor: .gaussian(rows: p, columns: d, scale: 1, using: &rng),
                                         relationalFactor: .gaussian(rows: p, columns: d, scale: 3, using: &rng),
                                         alignment: w)
        features = try DiversityFeatures(itemTable: itemTable, alignment: w)
        // Every 23rd item has no category; the rest cycle unevenly so categories differ in size.
        let categoryOfRow = (0..<Self.itemCount).map { row in row % 23 == 5 ? "" : Self.categories[(row * 7 + row / 11) % Self.categories.count] }
        self.categoryOfRow = categoryOfRow
        let items = ids.enumerated().map { row, id in
            ItemMetadata(id: id, displayName: "Movie \(id)",
                         attributes: categoryOfRow[row].isEmpty ? [:] : ["category": categoryOfRow[row]])
        }
        self.items = items
        func view(_ table: EmbeddingTable) throws -> ServedView {
            let index = try VectorIndex(factory: "Flat", dimension: table.dimension)
            let map = ViewKeyMap(externalIDs: table.ids)
            try index.add(table.values, ids: map.keys)
            return ServedView(name: table.name, kind: table.kind, index: index, keyMap: map)
        }
        snapshot = LoadedSnapshot(
            version: "v-diverse",
            views: [try view(itemTable), try view(model.storedVectors(for: features)), try view(model.queryTable(for: features))],
            items: items,
            attachments: [DiversityMetricModel.attachmentName: try JSONEncoder().encode(model)])
    }

    /// The brute-force reference: every eligible row ranked by the mean over triggers of
    /// `w_i·d_i + w_ic·d_ic` (Double, from the model and the raw features), ties by row.
    func reference(triggers: [Int], itemWeight: Float, categoryWeight: Float, excludeCategories: Set<String> = [],
                   excludeRows: Set<Int> = []) throws -> [(row: Int, weighted: Double, item: Double, relational: Double)] {
        var out: [(row: Int, weighted: Double, item: Double, relational: Double)] = []
        for b in 0..<Self.itemCount where !triggers.contains(b) && !excludeRows.contains(b) && !excludeCategories.contains(categoryOfRow[b]) {
            var di = 0.0, dic = 0.0
            for t in triggers {
                let d = try model.distances(t, b, in: features)
                di += d.item
                dic += d.relational
            }
            di /= Double(triggers.count)
            dic /= Double(triggers.count)
            out.append((b, Double(itemWeight) * di + Double(categoryWeight) * dic, di, dic))
        }
        out.sort { $0.weighted != $1.weighted ? $0.weighted < $1.weighted : $0.row < $1.row }
        return out
    }
}
