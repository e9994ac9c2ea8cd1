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
    private let rowOfExternal: [String: Int]

    /// Builds the map for ids in table order.
    public init(externalIDs: [String]) {
        self.externalIDs = externalIDs
        let parsed = externalIDs.map { Int64($0) }
        let numeric = !parsed.contains(nil) && Set(parsed.map { $0! }).count == parsed.count
        self.numeric = numeric
        keys = numeric ? parsed.map { $0! } : externalIDs.indices.map { Int64($0) }
        var byKey: [Int64: Int] = [:]
        var byExternal: [String: Int] = [:]
        byKey.reserveCapacity(keys.count)
        byExternal.reserveCapacity(keys.count)
        for (row, key) in keys.enumerated() {
            byKey[key] = row
            byExternal[externalIDs[row]] = row
        }
        rowOfKey = byKey
        rowOfExternal = byExternal
    }

    public var count: Int { keys.count }

    /// The key of an external id, if the view has it.
    public func key(forExternalID id: String) -> Int64? { rowOfExternal[id].map { keys[$0] } }

    /// The external id of a key, if the view has it.
    public func externalID(forKey key: Int64) -> String? { rowOfKey[key].map { externalIDs[$0] } }

    /// The table row of a key.
    public func row(forKey key: Int64) -> Int? { rowOfKey[key] }
}
