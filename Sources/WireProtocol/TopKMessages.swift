/// The queries of a TOPK request: item ids of the view, or raw query vectors.
public enum TopKQueries: Equatable, Sendable {
    /// One or more item keys (Int64) of the view; each item's stored vector is the query.
    case ids([Int64])
    /// `count` vectors of `dimension` floats, row-major.
    case vectors(dimension: Int, values: [Float])

    /// How many queries this is.
    public var count: Int {
        switch self {
        case .ids(let ids): return ids.count
        case .vectors(let dimension, let values): return dimension == 0 ? 0 : values.count / dimension
        }
    }

    static let idsKind: UInt8 = 1
    static let vectorsKind: UInt8 = 2
}

/// TOPK request: the `k` nearest items by inner product in one view, for a batch of queries.
///
/// Header flags: `includeNames` (reply carries external ids and display names), `excludeQueryItems`
/// (for id queries, an item never appears in its own results).
public struct TopKRequest: WireMessage, Equatable {
    public static let messageType = MessageType.topK
    public var view: String
    public var k: UInt32
    public var queries: TopKQueries
    /// Item keys removed from every query's results.
    public var exclude: [Int64]

    public init(view: String, k: UInt32, queries: TopKQueries, exclude: [Int64] = []) {
        self.view = view
        self.k = k
        self.queries = queries
        self.exclude = exclude
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        view = try reader.readString()
        k = try reader.readU32()
        let kind = try reader.readU8()
        let count = Int(try reader.readU32())
        switch kind {
        case TopKQueries.idsKind:
            queries = .ids(try reader.readInt64s(count: count))
        case TopKQueries.vectorsKind:
            let dimension = Int(try reader.readU32())
            guard dimension > 0 else { throw WireProtocolError(.malformedBody, "vector dimension is 0") }
            let (total, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw WireProtocolError(.malformedBody, "vector count overflows") }
            queries = .vectors(dimension: dimension, values: try reader.readFloats(count: total))
        default:
            throw WireProtocolError(.malformedBody, "unknown query kind \(kind)")
        }
        let excludeCount = Int(try reader.readU32())
        exclude = try reader.readInt64s(count: excludeCount)
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(view)
        writer.write(k)
        switch queries {
        case .ids(let ids):
            writer.write(TopKQueries.idsKind)
            writer.write(UInt32(ids.count))
            writer.write(int64s: ids)
        case .vectors(let dimension, let values):
            writer.write(TopKQueries.vectorsKind)
            writer.write(UInt32(dimension == 0 ? 0 : values.count / dimension))
            writer.write(UInt32(dimension))
            writer.write(floats: values)
        }
        writer.write(UInt32(exclude.count))
        writer.write(int64s: exclude)
    }
}

/// The results of one query: item keys and inner-product scores, best first, and optionally each
/// item's external id and display name.
public struct TopKResult: Equatable, Sendable {
    public var ids: [Int64]
    public var scores: [Float]
    /// Present when the request set `includeNames`: one per id.
    public var names: [ItemName]?

    public init(ids: [Int64], scores: [Float], names: [ItemName]? = nil) {
        self.ids = ids
        self.scores = scores
        self.names = names
    }
}

/// An item's external id (as in the source data) and its display name ("" if unknown).
public struct ItemName: Equatable, Sendable {
    public var externalID: String
    public var displayName: String

    public init(externalID: String, displayName: String) {
        self.externalID = externalID
        self.displayName = displayName
    }
}

/// TOPK reply: one result list per query, in request order. The header flag `includeNames` is
/// set when names are present (then every result carries them).
public struct TopKReply: WireMessage, Equatable {
    public static let messageType = MessageType.topK.reply
    public var results: [TopKResult]

    public init(results: [TopKResult]) { self.results = results }

    /// Whether the results carry names (sets the `includeNames` reply flag).
    public var hasNames: Bool { results.first?.names != nil }

    /// Decodes a reply body; `hasNames` comes from the header flag.
    public init(from reader: inout ByteReader, hasNames: Bool) throws(WireProtocolError) {
        let queryCount = Int(try reader.readU32())
        var results: [TopKResult] = []
        results.reserveCapacity(min(queryCount, reader.remaining / 4))
        for _ in 0..<queryCount {
            let n = Int(try reader.readU32())
            let ids = try reader.readInt64s(count: n)
            let scores = try reader.readFloats(count: n)
            var names: [ItemName]?
            if hasNames {
                var list: [ItemName] = []
                list.reserveCapacity(min(n, reader.remaining / 4))
                for _ in 0..<n {
                    list.append(ItemName(externalID: try reader.readString(), displayName: try reader.readString()))
                }
                names = list
            }
            results.append(TopKResult(ids: ids, scores: scores, names: names))
        }
        self.results = results
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        try self.init(from: &reader, hasNames: false)
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(UInt32(results.count))
        for result in results {
            writer.write(UInt32(result.ids.count))
            writer.write(int64s: result.ids)
            writer.write(floats: result.scores)
            if let names = result.names {
                for name in names {
                    writer.write(name.externalID)
                    writer.write(name.displayName)
                }
            }
        }
    }

    /// The header flags this reply must carry.
    public var flags: FrameFlags { hasNames ? .includeNames : [] }
}

extension Frame {
    /// Decodes a TOPK reply, honouring the header's `includeNames` flag.
    public func decodeTopKReply() throws(WireProtocolError) -> TopKReply {
        guard header.type == TopKReply.messageType else {
            throw WireProtocolError(.malformedBody, "expected topk_reply, got \(header.type.name)")
        }
        var reader = ByteReader(body)
        return try TopKReply(from: &reader, hasNames: header.flags.contains(.includeNames))
    }
}
