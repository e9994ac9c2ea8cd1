import Foundation
import WireProtocol

/// Renders TOPK replies for people (an aligned table) and machines (JSON), for `m2grl query`.
public enum ReplyFormatting {
    /// One query's description for the output ("id 50", "vector 1").
    public static func queryLabels(_ queries: TopKQueries) -> [String] {
        switch queries {
        case .ids(let ids): return ids.map { "id \($0)" }
        case .vectors: return (1...max(1, queries.count)).map { "vector \($0)" }
        }
    }

    /// An aligned table per query: rank, key, score, external id and display name.
    public static func text(_ reply: TopKReply, request: TopKRequest, snapshotVersion: String) -> String {
        var lines: [String] = []
        let labels = queryLabels(request.queries)
        for (index, result) in reply.results.enumerated() {
            lines.append("view \(request.view) · \(index < labels.count ? labels[index] : "query \(index + 1)") · k \(request.k) · snapshot \(snapshotVersion)")
            lines.append(pad("rank", 5) + "  " + pad("id", 12) + "  " + pad("score", 10) + "  name")
            for (rank, id) in result.ids.enumerated() {
                let name = result.names.map { names -> String in
                    let entry = names[rank]
                    if entry.displayName.isEmpty || entry.displayName == entry.externalID { return entry.externalID }
                    return "\(entry.displayName) [\(entry.externalID)]"
                } ?? ""
                lines.append(pad(String(rank + 1), 5) + "  " + pad(String(id), 12) + "  "
                             + pad(String(format: "%.6f", result.scores[rank]), 10) + "  " + name)
            }
            if result.ids.isEmpty { lines.append("(no results)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON document printed by `m2grl query --json`.
    public struct JSONDocument: Codable, Equatable {
        public struct Hit: Codable, Equatable {
            public var id: Int64
            public var score: Float
            public var externalId: String?
            public var name: String?
        }
        public struct Query: Codable, Equatable {
            public var query: String
            public var results: [Hit]
        }
        public var view: String
        public var k: UInt32
        public var snapshot: String
        public var queries: [Query]
    }

    public static func json(_ reply: TopKReply, request: TopKRequest, snapshotVersion: String) -> String {
        let labels = queryLabels(request.queries)
        let document = JSONDocument(view: request.view, k: request.k, snapshot: snapshotVersion, queries: reply.results.enumerated().map { index, result in
            JSONDocument.Query(query: index < labels.count ? labels[index] : "query \(index + 1)", results: result.ids.indices.map { rank in
                JSONDocument.Hit(id: result.ids[rank], score: result.scores[rank], externalId: result.names?[rank].externalID,
                                 name: result.names?[rank].displayName)
            })
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Scores overflow to ±inf for huge (finite) query vectors; JSON has no such numbers, and
        // without this the encoder fails and the whole answer was printed as `{}`.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
