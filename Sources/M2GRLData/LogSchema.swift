/// The column layout of a TSV behaviour log, read from its header line.
///
/// Column names are matched case-insensitively, after dropping a RecBole-style `:type` suffix
/// (`user_id:token` → `user_id`). Recognised roles:
/// - user: `user`, `user_id`, `userid`, `uid` (required)
/// - item: `item`, `item_id`, `itemid`, `iid` (required)
/// - timestamp: `timestamp`, `time`, `ts`, `event_time` (required; epoch seconds or ISO-8601)
/// - dwell: `dwell`, `dwell_seconds`, `dwell_time` (optional, seconds)
/// - rating: `rating`, `score` (optional)
/// - app session: `app_session`, `session`, `session_id` (optional)
/// Every other column is an item attribute and becomes a view named after the column.
public struct LogSchema: Sendable, Equatable {
    public var columnCount: Int
    public var user: Int
    public var item: Int
    public var timestamp: Int
    public var dwell: Int?
    public var rating: Int?
    public var appSession: Int?
    /// Attribute columns in header order: view name and column index.
    public var attributes: [Attribute]

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var column: Int
    }

    /// The attribute view names in header order.
    public var attributeNames: [String] { attributes.map(\.name) }

    static let userNames: Set<String> = ["user", "user_id", "userid", "uid"]
    static let itemNames: Set<String> = ["item", "item_id", "itemid", "iid"]
    static let timestampNames: Set<String> = ["timestamp", "time", "ts", "event_time"]
    static let dwellNames: Set<String> = ["dwell", "dwell_seconds", "dwell_time"]
    static let ratingNames: Set<String> = ["rating", "score"]
    static let appSessionNames: Set<String> = ["app_session", "session", "session_id"]

    /// Parses a header line (tab-separated column names); `file` names the input in errors.
    public init(header: String, file: String) throws {
        let names = header.split(separator: "\t", omittingEmptySubsequences: false).map { raw -> String in
            var name = raw.trimmingSpaces.lowercased()
            if let colon = name.firstIndex(of: ":") { name = String(name[..<colon]) }
            return name
        }
        var user: Int?, item: Int?, timestamp: Int?, dwell: Int?, rating: Int?, appSession: Int?
        var attributes: [Attribute] = []
        var seen = Set<String>()
        func assign(_ slot: inout Int?, _ index: Int, _ role: String) throws {
            if slot != nil { throw DataError(.missingColumns, "\(file): header names the \(role) column twice") }
            slot = index
        }
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else { throw DataError(.missingColumns, "\(file): header column \(index + 1) has no name") }
            guard seen.insert(name).inserted else {
                throw DataError(.missingColumns, "\(file): header repeats column '\(name)'")
            }
            if Self.userNames.contains(name) { try assign(&user, index, "user") }
            else if Self.itemNames.contains(name) { try assign(&item, index, "item") }
            else if Self.timestampNames.contains(name) { try assign(&timestamp, index, "timestamp") }
            else if Self.dwellNames.contains(name) { try assign(&dwell, index, "dwell") }
            else if Self.ratingNames.contains(name) { try assign(&rating, index, "rating") }
            else if Self.appSessionNames.contains(name) { try assign(&appSession, index, "app session") }
            else { attributes.append(Attribute(name: name, column: index)) }
        }
        var missing: [String] = []
        if user == nil { missing.append("user") }
        if item == nil { missing.append("item") }
        if timestamp == nil { missing.append("timestamp") }
        guard let user, let item, let timestamp else {
            throw DataError(.missingColumns,
                            "\(file): header lacks required column(s) \(missing.joined(separator: ", ")) (found: \(names.joined(separator: ", ")))")
        }
        self.columnCount = names.count
        self.user = user
        self.item = item
        self.timestamp = timestamp
        self.dwell = dwell
        self.rating = rating
        self.appSession = appSession
        self.attributes = attributes
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\u{FEFF}" { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}
