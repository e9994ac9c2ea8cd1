/// One `[view name: value]` dictionary per distinct combination of attribute ids, handed out to
/// every item with that combination (dictionaries are copy-on-write values, so sharing their
/// storage is invisible to users). A catalogue of 2 M items has ~50 k combinations.
struct AttributeDictionaryCache {
    let viewCount: Int
    /// Up to two views: ids packed in one word.
    private var packed: [UInt64: [String: String]] = [:]
    private var general: [[Int32]: [String: String]] = [:]
    private var ids: [Int32]

    init(viewCount: Int) {
        self.viewCount = viewCount
        ids = [Int32](repeating: 0, count: viewCount)
    }

    /// The dictionary for the ids `id(v)` of views `0..<viewCount`, made by `make` on first use.
    mutating func dictionary(_ id: (Int) -> Int32, make: ([Int32]) -> [String: String]) -> [String: String] {
        for v in 0..<viewCount { ids[v] = id(v) }
        if viewCount <= 2 {
            var key: UInt64 = 0
            for v in 0..<viewCount { key = key << 32 | UInt64(UInt32(bitPattern: ids[v])) }
            if let hit = packed[key] { return hit }
            let made = make(ids)
            packed[key] = made
            return made
        }
        if let hit = general[ids] { return hit }
        let made = make(ids)
        general[ids] = made
        return made
    }
}
