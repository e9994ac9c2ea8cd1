/// DIVERSE request: items near the trigger(s) by the learned diversity metric, ranked by
/// `w_item·d_i + w_category·d_ic` with per-request weights, minus excluded categories and items.
///
/// Header flags: `includeNames` (each result carries its external id and display name).
/// The server validates the values (k range, trigger count, finite weights, known triggers) and
/// answers request-level errors; the codec only checks the shape.
public struct DiverseRequest: WireMessage, Equatable {
    public static let messageType = MessageType.diverse
    /// Results wanted (1 … max k).
    public var k: UInt32
    /// `w_i`, the weight of the item distance `d_i` (default 1).
    public var itemWeight: Float
    /// `w_ic`, the weight of the category distance `d_ic` (default 1; negative pushes results
    /// away from the triggers' category region).
    public var categoryWeight: Float
    /// Trigger item keys (1 … max batch); several triggers rank by the mean weighted distance.
    public var triggers: [Int64]
    /// Category names whose items never appear (typically the user's recent categories).
    public var excludeCategories: [String]
    /// Item keys that never appear (the triggers never appear either).
    public var excludeItems: [Int64]

    public init(triggers: [Int64], k: UInt32, itemWeight: Float = 1, categoryWeight: Float = 1,
                excludeCategories: [String] = [], excludeItems: [Int64] = []) {
        self.triggers = triggers
        self.k = k
        self.itemWeight = itemWeight
        self.categoryWeight = categoryWeight
        self.excludeCategories = excludeCategories
        self.excludeItems = excludeItems
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        k = try reader.readU32()
        itemWeight = try reader.readFloat()
        categoryWeight = try reader.readFloat()
        triggers = try reader.readInt64s(count: Int(try reader.readU32()))
        let categoryCount = Int(try reader.readU16())
        var categories: [String] = []
        categories.reserveCapacity(min(categoryCount, reader.remaining / 2))
        for _ in 0..<categoryCount { categories.append(try reader.readString()) }
        excludeCategories = categories
        excludeItems = try reader.readInt64s(count: Int(try reader.readU32()))
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(k)
        writer.write(itemWeight)
        writer.write(categoryWeight)
        writer.write(UInt32(triggers.count))
        writer.write(int64s: triggers)
        writer.write(UInt16(clamping: excludeCategories.count))
        for category in excludeCategories.prefix(Int(UInt16.max)) { writer.write(category) }
        writer.write(UInt32(excludeItems.count))
        writer.write(int64s: excludeItems)
    }
}

/// One DIVERSE result: the item, its inner-product score, its two distances to the trigger(s)
/// and its category.
public struct DiverseResult: Equatable, Sendable {
    /// Item key (as in the `diversity` view).
    public var key: Int64
    /// `q·z_b` from the index, best first. `w_i·d_i + w_ic·d_ic = C − score` with C fixed per request.
    public var score: Float
    /// `d_i` to the trigger (mean over triggers).
    public var itemDistance: Float
    /// `d_ic` to the trigger (mean over triggers).
    public var categoryDistance: Float
    /// The item's category ("" when unknown).
    public var category: String
    /// External id and display name, when the request set `includeNames`.
    public var name: ItemName?

    public init(key: Int64, score: Float, itemDistance: Float, categoryDistance: Float, category: String,
                name: ItemName? = nil) {
        self.key = key
        self.score = score
        self.itemDistance = itemDistance
        self.categoryDistance = categoryDistance
        self.category = category
        self.name = name
    }
}

/// DIVERSE reply: the results, best first. Exactly k unless the catalogue has fewer eligible items.
/// The header flag `includeNames` is set when names are present (then every result carries them).
public struct DiverseReply: WireMessage, Equatable {
    public static let messageType = MessageType.diverse.reply
    public var results: [DiverseResult]

    public init(results: [DiverseResult]) { self.results = results }

    /// Whether the results carry names (sets the `includeNames` reply flag).
    public var hasNames: Bool { results.first?.name != nil }

    /// The header flags this reply must carry.
    public var flags: FrameFlags { hasNames ? .includeNames : [] }

    /// Decodes a reply body; `hasNames` comes from the header flag.
    public init(from reader: inout ByteReader, hasNames: Bool) throws(WireProtocolError) {
        let count = Int(try reader.readU32())
        var results: [DiverseResult] = []
        results.reserveCapacity(min(count, reader.remaining / 22))
        for _ in 0..<count {
            var result = DiverseResult(key: try reader.readI64(), score: try reader.readFloat(),
                                       itemDistance: try reader.readFloat(), categoryDistance: try reader.readFloat(),
                                       category: try reader.readString())
            if hasNames { result.name = ItemName(externalID: try reader.readString(), displayName: try reader.readString()) }
            results.append(result)
        }
        self.results = results
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        try self.init(from: &reader, hasNames: false)
    }

    public func encode(into writer: inout ByteWriter) {
        let names = hasNames
        writer.write(UInt32(results.count))
        for result in results {
            writer.write(result.key)
            writer.write(result.score)
            writer.write(result.itemDistance)
            writer.write(result.categoryDistance)
            writer.write(result.category)
            if names {
                let name = result.name ?? ItemName(externalID: String(result.key), displayName: "")
                writer.write(name.externalID)
                writer.write(name.displayName)
            }
        }
    }
}

extension Frame {
    /// Decodes a DIVERSE reply, honouring the header's `includeNames` flag.
    public func decodeDiverseReply() throws(WireProtocolError) -> DiverseReply {
        guard header.type == DiverseReply.messageType else {
            throw WireProtocolError(.malformedBody, "expected diverse_reply, got \(header.type.name)")
        }
        var reader = ByteReader(body)
        return try DiverseReply(from: &reader, hasNames: header.flags.contains(.includeNames))
    }
}
