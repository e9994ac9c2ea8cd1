import Foundation
import M2GRLCore

/// Query vectors and (optionally) exact ground truth in the peers' format: `queries.f32` (our
/// `.f32` embedding format) and `groundtruth.tsv` (`qid<TAB>id1,id2,…`, external ids, best first).
public struct BenchDataset: Sendable {
    /// Query rows, `count × dimension` floats.
    public let queries: [Float]
    public let dimension: Int
    public let count: Int
    /// Exact top ids (external) of each query, or nil without ground truth.
    public let truth: [[String]]?

    public init(queries: [Float], dimension: Int, truth: [[String]]?) {
        self.queries = queries
        self.dimension = dimension
        self.count = dimension > 0 ? queries.count / dimension : 0
        self.truth = truth
    }

    /// Loads `queries` (.f32) and, if given, `groundTruth` (.tsv).
    public static func load(queries: URL, groundTruth: URL?) throws(BenchError) -> BenchDataset {
        let table: EmbeddingTable
        do { table = try EmbeddingFileFormat.read(from: queries, name: "queries") } catch {
            throw BenchError(.io, "cannot read query vectors \(queries.path): \(error)")
        }
        var truth: [[String]]?
        if let groundTruth {
            guard let text = try? String(contentsOf: groundTruth, encoding: .utf8) else {
                throw BenchError(.io, "cannot read ground truth \(groundTruth.path)")
            }
            truth = try parseGroundTruth(text, queries: table.count)
        }
        return BenchDataset(queries: table.values, dimension: table.dimension, truth: truth)
    }

    /// Parses `qid<TAB>id,id,…` lines; query ids must be 0..<queries in order.
    public static func parseGroundTruth(_ text: String, queries: Int) throws(BenchError) -> [[String]] {
        var rows: [[String]] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, Int(fields[0]) == rows.count else {
                throw BenchError(.invalidArgument, "ground truth line \(number + 1): want '\(rows.count)<TAB>id,id,…'")
            }
            rows.append(fields[1].split(separator: ",").map(String.init))
        }
        guard rows.count == queries else {
            throw BenchError(.invalidArgument, "ground truth has \(rows.count) rows for \(queries) queries")
        }
        return rows
    }

    /// The first `n` queries (and their truth rows), e.g. to keep an exact 1M scan short.
    public func prefix(_ n: Int) -> BenchDataset {
        guard n < count else { return self }
        return BenchDataset(queries: Array(queries.prefix(n * dimension)), dimension: dimension, truth: truth.map { Array($0.prefix(n)) })
    }

    /// Mean recall@k of `found` (external ids per query) against the truth's first k.
    public func recall(_ found: [[String]], k: Int) -> Double? {
        guard let truth, !found.isEmpty else { return nil }
        var hits = 0, total = 0
        for (q, ids) in found.enumerated() where q < truth.count {
            let expected = Set(truth[q].prefix(k))
            hits += ids.prefix(k).filter(expected.contains).count
            total += min(k, expected.count)
        }
        return total == 0 ? nil : Double(hits) / Double(total)
    }
}
