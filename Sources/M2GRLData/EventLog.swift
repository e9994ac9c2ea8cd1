/// Cleaned behaviour events held column-wise, with raw (file-order) ids.
///
/// Raw ids are dense 0-based ids in order of first appearance *in the whole log* (test part
/// included); they never leave the library. Prepared datasets re-number everything from the
/// train part only. Item attributes are stored per item (the first non-empty value seen wins),
/// so memory grows with the vocabulary, not with the number of attribute columns per event.
public final class EventLog {
    let users: ByteInterner
    let items: ByteInterner
    /// Attribute view names (header order).
    public let attributeNames: [String]
    let attributeValues: [ByteInterner]
    /// Per attribute view, per raw item id: raw attribute value id + 1, or 0 when unknown.
    var itemAttributes: [[Int32]]
    /// Display names per raw item id (empty = use the id).
    var itemTitles: [String] = []

    var eventUser: [Int32]
    var eventItem: [Int32]
    var eventTime: [Int64]
    /// Hash of the app-session id per event; empty when the log has no app-session column.
    var eventAppSession: [UInt64]

    /// What reading did.
    public internal(set) var report: InputReport

    init(users: ByteInterner, items: ByteInterner, attributeNames: [String], attributeValues: [ByteInterner],
         itemAttributes: [[Int32]], eventUser: [Int32], eventItem: [Int32], eventTime: [Int64],
         eventAppSession: [UInt64], report: InputReport) {
        self.users = users
        self.items = items
        self.attributeNames = attributeNames
        self.attributeValues = attributeValues
        self.itemAttributes = itemAttributes
        self.eventUser = eventUser
        self.eventItem = eventItem
        self.eventTime = eventTime
        self.eventAppSession = eventAppSession
        self.report = report
    }

    /// Number of cleaned events.
    public var count: Int { eventUser.count }
    /// Whether the log had an app-session column.
    public var hasAppSessions: Bool { !eventAppSession.isEmpty }
    /// Distinct users among cleaned events.
    public var userCount: Int { users.count }
    /// Distinct items among cleaned events.
    public var itemCount: Int { items.count }

    /// Sets (overrides) the attributes of items by external item id; used by adapters whose
    /// attributes come from side files. Unknown item ids are ignored.
    func setAttribute(view: Int, itemId: String, value: String) {
        guard let item = items.lookup(itemId) else { return }
        itemAttributes[view][Int(item)] = attributeValues[view].intern(value) + 1
    }
}
