@testable import M2GRLDiversity
import M2GRLCore
import M2GRLData

/// Synthetic inputs shared by the tests.
enum Fixtures {
    /// Random Gaussian features of `count` rows (row 0 is the unavailable placeholder when `placeholder`).
    static func randomFeatures(count: Int, itemDimension: Int, relationalDimension: Int, seed: UInt64,
                               placeholder: Bool = false) throws -> DiversityFeatures {
        var rng = SeededGenerator(seed: seed)
        let item = (0..<(count * itemDimension)).map { _ in Float(rng.nextGaussian()) }
        let rel = (0..<(count * relationalDimension)).map { _ in Float(rng.nextGaussian()) }
        var avail = [Bool](repeating: true, count: count)
        if placeholder { avail[0] = false }
        return try DiversityFeatures(ids: (0..<count).map { "i\($0)" }, itemDimension: itemDimension, item: item,
                                     relationalDimension: relationalDimension, relational: rel, available: avail)
    }

    static func randomMatrix(rows: Int, columns: Int, seed: UInt64, scale: Float = 1) throws -> ProjectionMatrix {
        var rng = SeededGenerator(seed: seed)
        return try .gaussian(rows: rows, columns: columns, scale: scale, using: &rng)
    }

    /// A planted problem: items belong to hidden groups; the group shows in the first two item
    /// dimensions (weakly) and the other dimensions are loud noise. Sessions walk within one group,
    /// categories are random, so positives ("different category, same session") are same-group
    /// pairs: a good metric must up-weight the group dimensions and ignore the noise.
    struct Planted {
        var features: DiversityFeatures
        var alignment: ProjectionMatrix
        var sessions: SequenceSet
        var categoryOfItem: [Int32]
        var group: [Int]
    }

    static func planted(items: Int = 60, groups: Int = 4, dimension: Int = 6, sessions: Int = 150, seed: UInt64 = 7) throws -> Planted {
        var rng = SeededGenerator(seed: seed)
        let centres = (0..<groups).map { g in [Float](arrayLiteral: Float(cos(Double(g) * 2 * .pi / Double(groups))),
                                                      Float(sin(Double(g) * 2 * .pi / Double(groups)))) }
        var group = [Int](repeating: -1, count: items + 1)
        var category = [Int32](repeating: 0, count: items + 1)
        var item = [Float](repeating: 0, count: (items + 1) * dimension)
        for i in 1...items {
            let g = (i - 1) % groups
            group[i] = g
            category[i] = Int32(Int.random(in: 1...5, using: &rng))
            item[i * dimension] = 0.5 * centres[g][0] + Float(0.05 * rng.nextGaussian())
            item[i * dimension + 1] = 0.5 * centres[g][1] + Float(0.05 * rng.nextGaussian())
            for j in 2..<dimension { item[i * dimension + j] = Float(1.0 * rng.nextGaussian()) }
        }
        var avail = [Bool](repeating: true, count: items + 1)
        avail[0] = false
        let w = try randomMatrix(rows: dimension, columns: dimension, seed: seed &+ 1)
        let table = EmbeddingTable(name: "item", kind: .view, dimension: dimension, ids: (0...items).map { "m\($0)" }, values: item)
        let features = try DiversityFeatures(itemTable: table, alignment: w)
        let feats = try DiversityFeatures(ids: features.ids, itemDimension: dimension, item: features.item,
                                          relationalDimension: dimension, relational: features.relational, available: avail)
        var seqs = SequenceSet()
        for _ in 0..<sessions {
            let g = Int.random(in: 0..<groups, using: &rng)
            let members = (1...items).filter { group[$0] == g }
            seqs.append((0..<6).map { _ in Int32(members.randomElement(using: &rng)!) })
        }
        return Planted(features: feats, alignment: w, sessions: seqs, categoryOfItem: category, group: group)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
