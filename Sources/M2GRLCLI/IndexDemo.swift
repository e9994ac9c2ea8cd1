import Foundation
import M2GRLCore
import VectorIndex

/// A dependency-free demo embedding set: random-indexing vectors of MovieLens
/// items (each item's vector is the sum of fixed random vectors of the users
/// who rated it ≥ 3), so inner-product neighbours are co-rated movies.
public struct IndexDemo {
    public let table: EmbeddingTable
    public let titles: [String: String]

    /// Builds the demo set from RecBole's ml-100k atomic files.
    public init(dataDirectory: URL, dimension: Int = 64) throws {
        let inter = try String(contentsOf: dataDirectory.appendingPathComponent("ml-100k.inter"), encoding: .utf8)
        var rng = SplitMix64(seed: 42)
        var userVectors: [String: [Float]] = [:]
        var itemVectors: [String: [Float]] = [:]
        for line in inter.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t")
            guard f.count >= 3, let rating = Double(f[2]), rating >= 3 else { continue }
            let u = String(f[0]), i = String(f[1])
            let uv = userVectors[u] ?? (0..<dimension).map { _ in Float(rng.nextGaussian()) / Float(dimension).squareRoot() }
            userVectors[u] = uv
            var iv = itemVectors[i] ?? [Float](repeating: 0, count: dimension)
            for j in 0..<dimension { iv[j] += uv[j] }
            itemVectors[i] = iv
        }
        let ids = itemVectors.keys.sorted { Int($0)! < Int($1)! }
        table = EmbeddingTable(name: "item", dimension: dimension, ids: ids, values: ids.flatMap { itemVectors[$0]! })
        var titles: [String: String] = [:]
        let items = try String(contentsOf: dataDirectory.appendingPathComponent("ml-100k.item"), encoding: .utf8)
        for line in items.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            if f.count >= 3 { titles[String(f[0])] = "\(f[1]) (\(f[2]))" }
        }
        self.titles = titles
    }

    /// Builds one index per factory string and prints the neighbours of a few movies.
    public func run(factories: [String], queries: [String], k: Int) throws {
        let ids = table.ids.map { Int64($0)! }
        for factory in factories {
            let started = Date()
            let index = try VectorIndex(factory: factory, dimension: table.dimension)
            if !index.isTrained { try index.train(table.values) }
            try index.add(table.values, ids: ids)
            print("== \(factory): \(index.count) items, built in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
            for q in queries {
                guard let key = Int64(q), index.contains(id: key) else { continue }
                let result = try index.search(try index.reconstruct(id: key), k: k + 1, parameters: SearchParameters(efSearch: 64, nprobe: 8))
                print("   \(titles[q] ?? q):")
                for n in result.neighbors(ofQuery: 0) where n.id != key {
                    print("     \(String(format: "%9.3f", n.score))  \(titles[String(n.id)] ?? String(n.id))")
                }
            }
        }
    }
}
