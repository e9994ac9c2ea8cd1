import Foundation
import M2GRLCore
@testable import Snapshot

/// Builders and scratch directories shared by the snapshot tests.
enum TestSupport {
    /// A table of `count` vectors around `clusters` random centres (deterministic).
    static func clusteredTable(name: String, kind: EmbeddingTable.Kind = .view, count: Int, dimension: Int,
                               clusters: Int = 20, seed: UInt64 = 1, ids: [String]? = nil) -> EmbeddingTable {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Float { Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1 }
        let centres = (0..<clusters).map { _ in (0..<dimension).map { _ in uniform() } }
        var values = [Float]()
        values.reserveCapacity(count * dimension)
        for i in 0..<count {
            let c = centres[i % clusters]
            for d in 0..<dimension { values.append(c[d] + 0.3 * uniform()) }
        }
        return EmbeddingTable(name: name, kind: kind, dimension: dimension, ids: ids ?? (0..<count).map { String($0 + 1) }, values: values)
    }

    /// A bundle with an item view (numeric ids), a category view (string ids) and a relational table.
    static func bundle(items: Int = 1500, dimension: Int = 16, seed: UInt64 = 1, attachments: [String: Data] = [:]) -> ModelBundle {
        let item = clusteredTable(name: "item", count: items, dimension: dimension, seed: seed)
        let categories = (0..<30).map { "genre-\($0)" }
        let category = clusteredTable(name: "category", count: categories.count, dimension: dimension, clusters: 5, seed: seed + 1, ids: categories)
        let rel = clusteredTable(name: "rel.category.item", kind: .relational, count: items, dimension: dimension, seed: seed + 2)
        let meta = (0..<items).map { i in
            ItemMetadata(id: String(i + 1), displayName: "Movie \(i + 1) (19\(50 + i % 50))",
                         attributes: ["category": categories[i % categories.count], "shop": "shop-\(i % 7)"])
        }
        return ModelBundle(tables: [item, category, rel], items: meta, configuration: ["dimension": "\(dimension)", "epochs": "3"],
                           metrics: ["valid.recall@50": 0.25], dataWindow: ["first": "1997-09-20", "last": "1998-04-22"],
                           attachments: attachments)
    }

    /// A fresh empty directory under the system temp directory.
    static func scratch(_ label: String = #function) -> URL {
        let clean = label.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-snap-\(clean)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Exact top-k keys of `query` in `table` by brute force.
    static func bruteForce(_ table: EmbeddingTable, query: ArraySlice<Float>, k: Int) -> [(row: Int, score: Float)] {
        let q = Array(query)
        var scored: [(row: Int, score: Float)] = []
        for r in 0..<table.count {
            var s: Float = 0
            let row = table.row(r)
            for (i, v) in row.enumerated() { s += q[i] * v }
            scored.append((r, s))
        }
        return Array(scored.sorted { $0.score > $1.score }.prefix(k))
    }
}
