/// The mapping between a view's external ids (strings) and the 64-bit keys
/// stored in its Faiss index and used on the wire.
///
/// When every external id of a view is a decimal integer, the key *is* that
/// integer (so item 50 is key 50 everywhere); otherwise keys are row numbers
/// in table order.
public struct ViewKeyMap: Sendable, Equatable {
    /// External ids in table (row) order.
    public let externalIDs: [String]
    /// Keys in table (row) order.
    public let keys: [Int64]
    /// Whether keys are the external ids' integer values.
    public let numeric: Bool
    private let rowOfKey: [Int64: Int]
    /// Rows by external id; only kept for non-numeric maps (numeric ids are parsed instead,
    /// which saves a 1M-entry string dictionary per large view).
    private let rowOfExternal: [String: Int]

    /// Builds the map for ids in table order.
    public init(externalIDs: [String]) {
        self.externalIDs = externalIDs
        var parsed: [Int64] = []
        parsed.reserveCapacity(externalIDs.count)
        for id in externalIDs {
            guard let v = Int64(id) else { break }
            parsed.append(v)
        }
        var byKey: [Int64: Int] = [:]
        byKey.reserveCapacity(externalIDs.count)
        var numeric = parsed.count == externalIDs.count
        if numeric {
            for (row, key) in parsed.enumerated() where byKey.updateValue(row, forKey: key) != nil {
                numeric = false
                break
            }
        }
        self.numeric = numeric
        var byExternal: [String: Int] = [:]
        if numeric {
            keys = parsed
        } else {
            keys = externalIDs.indices.map { Int64($0) }
            byKey.removeAll(keepingCapacity: true)
            byExternal.reserveCapacity(externalIDs.count)
            for (row, key) in keys.enumerated() {
                byKey[key] = row
                byExternal[externalIDs[row]] = row
            }
        }
        rowOfKey = byKey
        rowOfExternal = byExternal
    }

    public var count: Int { keys.count }

    /// The key of an external id, if the view has it.
    public func key(forExternalID id: String) -> Int64? {
        if numeric {
            // "007" and "7" parse alike: only the id exactly as stored maps to its key.
            guard let key = Int64(id), let row = rowOfKey[key], externalIDs[row] == id else { return nil }
            return key
        }
        return rowOfExternal[id].map { keys[$0] }
    }

    /// The external id of a key, if the view has it.
    public func externalID(forKey key: Int64) -> String? { rowOfKey[key].map { externalIDs[$0] } }

    /// The table row of a key.
    public func row(forKey key: Int64) -> Int? { rowOfKey[key] }
}
