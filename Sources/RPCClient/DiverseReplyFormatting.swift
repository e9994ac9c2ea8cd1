import Foundation
import WireProtocol

/// Renders DIVERSE replies for people (an aligned table) and machines (JSON), for
/// `m2grl query --diverse`.
public enum DiverseReplyFormatting {
    /// A header line, then rank, key, d_i, d_ic, category and name per result.
    public static func text(_ reply: DiverseReply, request: DiverseRequest, snapshotVersion: String) -> String {
        var lines: [String] = []
        let triggers = request.triggers.map(String.init).joined(separator: ",")
        var header = "diverse · trigger \(triggers) · k \(request.k) · w_item \(request.itemWeight) · w_category \(request.categoryWeight)"
        if !request.excludeCategories.isEmpty { header += " · excluding \(request.excludeCategories.joined(separator: ", "))" }
        lines.append(header + " · snapshot \(snapshotVersion)")
        lines.append(pad("rank", 5) + "  " + pad("id", 10) + "  " + pad("d_i", 9) + "  " + pad("d_ic", 9) + "  "
                     + pad("category", 14) + "  name")
        for (rank, result) in reply.results.enumerated() {
            let name = result.name.map { entry -> String in
                if entry.displayName.isEmpty || entry.displayName == entry.externalID { return entry.externalID }
                return "\(entry.displayName) [\(entry.externalID)]"
            } ?? ""
            lines.append(pad(String(rank + 1), 5) + "  " + pad(String(result.key), 10) + "  "
                         + pad(String(format: "%.5f", result.itemDistance), 9) + "  "
                         + pad(String(format: "%.5f", result.categoryDistance), 9) + "  "
                         + pad(result.category.isEmpty ? "-" : result.category, 14) + "  " + name)
        }
        if reply.results.isEmpty { lines.append("(no results)") }
        return lines.joined(separator: "\n")
    }

    /// The JSON document printed by `m2grl query --diverse --json`.
    public struct JSONDocument: Codable, Equatable {
        public struct Hit: Codable, Equatable {
            public var id: Int64
            public var score: Float
            public var itemDistance: Float
            public var categoryDistance: Float
            public var category: String
            public var externalId: String?
            public var name: String?
        }
        public var triggers: [Int64]
        public var k: UInt32
        public var itemWeight: Float
        public var categoryWeight: Float
        public var excludeCategories: [String]
        public var excludeItems: [Int64]
        public var snapshot: String
        public var results: [Hit]
    }

    public static func json(_ reply: DiverseReply, request: DiverseRequest, snapshotVersion: String) -> String {
        let document = JSONDocument(
            triggers: request.triggers, k: request.k, itemWeight: request.itemWeight, categoryWeight: request.categoryWeight,
            excludeCategories: request.excludeCategories, excludeItems: request.excludeItems, snapshot: snapshotVersion,
            results: reply.results.map { r in
                JSONDocument.Hit(id: r.key, score: r.score, itemDistance: r.itemDistance, categoryDistance: r.categoryDistance,
                                 category: r.category, externalId: r.name?.externalID, name: r.name?.displayName)
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
