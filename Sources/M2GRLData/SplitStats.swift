/// Human-readable statistics of one prepared split (printed and saved as JSON).
public struct SplitStats: Codable, Sendable, Equatable {
    /// Per-view graph and sequence counts.
    public struct ViewStats: Codable, Sendable, Equatable {
        public var name: String
        /// Distinct nodes (dense ids excluding the reserved 0).
        public var nodes: Int
        /// Non-empty sequences after consecutive-duplicate removal.
        public var sequences: Int
        /// Tokens in those sequences.
        public var tokens: Int
        /// Distinct directed edges and their total multiplicity.
        public var edges: Int
        public var edgeOccurrences: Int64
    }

    /// Per-relation counts.
    public struct RelationStats: Codable, Sendable, Equatable {
        public var view: String
        /// Items (of the item vocabulary) with a known attribute.
        public var itemsWithAttribute: Int
        /// (item occurrence, attribute) training pairs.
        public var pairs: Int
    }

    /// One bucket of the session-length histogram (events per session, before de-duplication).
    public struct LengthBucket: Codable, Sendable, Equatable {
        public var minLength: Int
        public var maxLength: Int?
        public var sessions: Int
    }

    public var split: String
    public var users: Int
    public var usersWithTrain: Int
    public var usersWithHeldOut: Int
    public var trainEvents: Int
    public var heldOutEvents: Int
    /// Sum over users of distinct held-out items, and how many of those are cold.
    public var heldOutDistinct: Int
    public var heldOutCold: Int
    public var sessions: Int
    public var sessionLengths: [LengthBucket]
    public var views: [ViewStats]
    public var relations: [RelationStats]
    /// Wall-clock seconds spent building this split and writing its directory.
    public var buildSeconds = 0.0
    public var writeSeconds = 0.0
    /// CPU (user + system) seconds of the same two phases.
    public var buildCPUSeconds = 0.0
    public var writeCPUSeconds = 0.0

    /// A human-readable summary.
    public var summary: String {
        var lines = ["split \(split): \(users) users (\(usersWithTrain) with train, \(usersWithHeldOut) with held-out); \(trainEvents) train / \(heldOutEvents) held-out interactions; held-out distinct items \(heldOutDistinct) (\(heldOutCold) cold)"]
        lines.append("  sessions: \(sessions)")
        let histogram = sessionLengths.filter { $0.sessions > 0 }.map { b -> String in
            let range = b.maxLength == b.minLength ? "\(b.minLength)" : (b.maxLength.map { "\(b.minLength)-\($0)" } ?? "\(b.minLength)+")
            return "\(range): \(b.sessions)"
        }
        lines.append("  session lengths: " + histogram.joined(separator: ", "))
        for v in views {
            lines.append("  view \(v.name): \(v.nodes) nodes, \(v.sequences) sequences, \(v.tokens) tokens, \(v.edges) edges (\(v.edgeOccurrences) occurrences)")
        }
        for r in relations {
            lines.append("  relation item→\(r.view): \(r.itemsWithAttribute) items with a value, \(r.pairs) pairs")
        }
        lines.append("  built in \(NumberFormatting.fixed(buildSeconds, 2)) s (CPU \(NumberFormatting.fixed(buildCPUSeconds, 2)) s), written in \(NumberFormatting.fixed(writeSeconds, 2)) s (CPU \(NumberFormatting.fixed(writeCPUSeconds, 2)) s)")
        return lines.joined(separator: "\n")
    }

    /// Power-of-two buckets 1, 2, 3-4, 5-8, …, 513+.
    static func histogram(_ lengthCounts: [Int]) -> [LengthBucket] {
        var buckets: [LengthBucket] = [LengthBucket(minLength: 1, maxLength: 1, sessions: 0)]
        var lo = 2
        while lo <= 513 {
            let hi = lo == 2 ? 2 : lo * 2 - 2
            buckets.append(LengthBucket(minLength: lo, maxLength: lo == 513 ? nil : hi, sessions: 0))
            lo = hi + 1
        }
        for (length, n) in lengthCounts.enumerated() where length > 0 && n > 0 {
            let index = buckets.lastIndex { $0.minLength <= length } ?? 0
            buckets[index].sessions += n
        }
        return buckets
    }
}
