/// Item display metadata kept as the columns it is made from — the item vocabulary, optional
/// display names and the item → attribute relations — and turned into `ItemInfo`s only when
/// asked. `prepare` never asks: the writer stores the columns (or nothing, when they follow from
/// the other files), so a 2 M-item catalogue skips 2 M `ItemInfo`s and ~220 k dictionaries.
struct DerivedItemInfo: Sendable {
    /// External id per item dense id (the item view's vocabulary).
    var ids: [String]
    /// Display name per item dense id, or nil when every name is the id.
    var displayNames: [String]?
    /// One attribute column per key: its relation's attribute per item and that view's vocabulary.
    var attributes: [(key: String, attributeOfItem: [Int32], vocabulary: [String])]

    var count: Int { ids.count }

    /// The `ItemInfo`s (index 0 is the reserved placeholder, as in the vocabulary).
    func materialize() -> [ItemInfo] {
        var items: [ItemInfo] = []
        items.reserveCapacity(ids.count)
        // Items with the same attribute values share one dictionary (copy-on-write): far fewer
        // combinations than items, so far fewer allocations and hashes.
        var cache = AttributeDictionaryCache(viewCount: attributes.count)
        let columns = attributes.map(\.attributeOfItem)
        for d in ids.indices {
            let id = ids[d]
            let values = cache.dictionary { v in columns[v][d] } make: { valueIDs in
                var values = [String: String](minimumCapacity: valueIDs.count)
                for (v, column) in attributes.enumerated() where valueIDs[v] != 0 {
                    values[column.key] = column.vocabulary[Int(valueIDs[v])]
                }
                return values
            }
            items.append(ItemInfo(id: id, displayName: displayNames?[d] ?? id, attributes: values))
        }
        return items
    }
}

/// How a `PreparedDataset` holds its items.
enum ItemStorage: Sendable {
    case stored([ItemInfo])
    case derived(DerivedItemInfo)

    var items: [ItemInfo] {
        switch self {
        case .stored(let items): return items
        case .derived(let derived): return derived.materialize()
        }
    }

    var count: Int {
        switch self {
        case .stored(let items): return items.count
        case .derived(let derived): return derived.count
        }
    }
}
