/// Turns the reader's kept lines into `EventLog` columns: interns user, item and attribute ids
/// and appends the event columns, in batches.
///
/// Interning is bound by one cache miss per id in tables of tens of MiB (2 M items: 64 MiB of
/// slots). Lines are therefore queued (their fields still point into the reader's buffer), and
/// a batch first loads the table slot of every queued user and item, so that those misses
/// overlap, then interns them in file order: ids, first-seen attribute values and event order
/// are exactly those of interning line by line. `flush()` must run before the buffer moves.
final class EventColumnsBuilder {
    let users = ByteInterner(expectedCount: 1 << 12)
    let items = ByteInterner(expectedCount: 1 << 14)
    let attributeValues: [ByteInterner]
    /// Raw attribute value id + 1 (0 = unknown) at `[item * attributeViews + view]`.
    private var attributeTable: UnsafeMutablePointer<Int32>
    private var attributeTableItems = 1 << 14
    private let attributeViews: Int
    var eventUser: [Int32] = []
    var eventItem: [Int32] = []
    var eventTime: [Int64] = []
    var eventAppSession: [UInt64] = []
    private(set) var events = 0

    /// This file's columns.
    private var columnCount = 0, userColumn = 0, itemColumn = 0, appColumn = -1
    private var attributeColumns: [Int] = []
    /// Global attribute view index per entry of `attributeColumns`.
    private var attributeSlots: [Int] = []
    /// Items whose attributes (in this file's columns) are not all known yet.
    private var incomplete = Set<Int32>()

    /// The queue: `capacity` lines' fields, times and id hashes.
    static let capacity = 64
    private var fields: UnsafeMutablePointer<ByteField>
    private var fieldsCapacity: Int
    private let times = UnsafeMutablePointer<Int64>.allocate(capacity: capacity)
    private let userHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
    private let itemHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
    private var queued = 0
    /// Sum of the probed slot words: stored, so the probing loads are not optimised away.
    private(set) var probeSink: UInt64 = 0

    init(attributeViews: Int, expectedEvents: Int) {
        attributeValues = (0..<attributeViews).map { _ in ByteInterner(expectedCount: 256) }
        self.attributeViews = attributeViews
        attributeTable = .allocate(capacity: max(attributeViews, 1) * attributeTableItems)
        fieldsCapacity = 1
        fields = .allocate(capacity: Self.capacity)
        eventUser.reserveCapacity(expectedEvents)
        eventItem.reserveCapacity(expectedEvents)
        eventTime.reserveCapacity(expectedEvents)
    }

    deinit {
        fields.deallocate()
        times.deallocate()
        userHashes.deallocate()
        itemHashes.deallocate()
        attributeTable.deallocate()
    }

    /// Per attribute view, per raw item id: raw attribute value id + 1, or 0 when unknown.
    var itemAttributes: [[Int32]] {
        let itemCount = items.count
        return (0..<attributeViews).map { v in
            [Int32](unsafeUninitializedCapacity: itemCount) { buffer, initialized in
                for item in 0..<itemCount { buffer[item] = attributeTable[item * attributeViews + v] }
                initialized = itemCount
            }
        }
    }

    /// Starts a file with these columns (`appColumn` -1 = none); flushes the previous file's queue.
    func beginFile(columnCount: Int, userColumn: Int, itemColumn: Int, appColumn: Int,
                   attributeColumns: [Int], attributeSlots: [Int]) {
        flush()
        self.columnCount = columnCount
        self.userColumn = userColumn
        self.itemColumn = itemColumn
        self.appColumn = appColumn
        self.attributeColumns = attributeColumns
        self.attributeSlots = attributeSlots
        incomplete.removeAll()
        if columnCount > fieldsCapacity {
            fields.deallocate()
            fields = .allocate(capacity: Self.capacity * columnCount)
            fieldsCapacity = columnCount
        }
    }

    /// Queues one kept line (`columnCount` fields, valid until the next `flush()`).
    @inline(__always)
    func add(_ line: UnsafeMutablePointer<ByteField>, time: Int64) {
        let q = queued
        (fields + q * columnCount).update(from: line, count: columnCount)
        times[q] = time
        userHashes[q] = ByteInterner.hash(line[userColumn])
        itemHashes[q] = ByteInterner.hash(line[itemColumn])
        queued = q + 1
        if queued == Self.capacity { flush() }
    }

    /// Interns and appends every queued line, in order.
    func flush() {
        let n = queued
        guard n > 0 else { return }
        var sink: UInt64 = 0
        for q in 0..<n { sink &+= items.probe(hash: itemHashes[q]) &+ users.probe(hash: userHashes[q]) }
        probeSink &+= sink
        // The columns move into locals for the loop: appends to a class's stored arrays would
        // each pay a dynamic exclusivity check.
        var eventUser = take(&self.eventUser), eventItem = take(&self.eventItem), eventTime = take(&self.eventTime)
        var eventAppSession = take(&self.eventAppSession)
        defer {
            self.eventUser = eventUser
            self.eventItem = eventItem
            self.eventTime = eventTime
            self.eventAppSession = eventAppSession
        }
        for q in 0..<n {
            let line = fields + q * columnCount
            var isNew = false
            let user = users.intern(line[userColumn], hash: userHashes[q], isNew: &isNew)
            var isNewItem = false
            let item = items.intern(line[itemColumn], hash: itemHashes[q], isNew: &isNewItem)
            if isNewItem || (!incomplete.isEmpty && incomplete.contains(item)) {
                recordAttributes(line, item: item, isNew: isNewItem)
            }
            eventUser.append(user)
            eventItem.append(item)
            eventTime.append(times[q])
            if appColumn >= 0 { eventAppSession.append(ByteInterner.hash(line[appColumn])) }
        }
        events += n
        queued = 0
    }

    /// Attribute values come from the item's first event with a non-empty value.
    private func recordAttributes(_ line: UnsafeMutablePointer<ByteField>, item: Int32, isNew: Bool) {
        let itemIndex = Int(item)
        if isNew {
            if itemIndex >= attributeTableItems { growAttributeTable() }
            (attributeTable + itemIndex * attributeViews).initialize(repeating: 0, count: attributeViews)
        }
        let row = attributeTable + itemIndex * attributeViews
        var complete = true
        for k in 0..<attributeColumns.count {
            let slot = attributeSlots[k]
            if row[slot] == 0 {
                let value = line[attributeColumns[k]]
                if value.count > 0 {
                    row[slot] = attributeValues[slot].intern(value) + 1
                } else {
                    complete = false
                }
            }
        }
        if complete { if !isNew { incomplete.remove(item) } } else { incomplete.insert(item) }
    }

    private func growAttributeTable() {
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: max(attributeViews, 1) * attributeTableItems * 2)
        grown.update(from: attributeTable, count: attributeViews * attributeTableItems)
        attributeTable.deallocate()
        attributeTable = grown
        attributeTableItems *= 2
    }
}

/// Moves `value` out, leaving an empty array (so the caller's copy stays uniquely referenced).
@inline(__always)
private func take<T>(_ value: inout [T]) -> [T] {
    let taken = value
    value = []
    return taken
}
