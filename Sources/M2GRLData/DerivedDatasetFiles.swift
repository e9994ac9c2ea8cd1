/// What format version 2 of a dataset directory leaves out because other files already say it
/// (docs/DATA.md): the relation pairs follow from the item sequences and the item → attribute
/// map, item ids from the item vocabulary, display names from the ids, and attribute columns
/// from the relations. The writer checks before it leaves a file out, so any `PreparedDataset`
/// round-trips; the reader derives what is missing.
extension PreparedDataset {
    /// The attribute column of `key` as the relation of the view named `key` gives it (the
    /// attribute's external id per item dense id, "" = none), or nil without such a relation.
    static func attributeColumn(_ key: String, views: [ViewData], relations: [ItemRelation], itemCount: Int) -> [String]? {
        guard let relation = relations.first(where: { $0.view == key }), let view = views.first(where: { $0.name == key }),
              relation.attributeOfItem.count == itemCount else { return nil }
        return relation.attributeOfItem.map { $0 == 0 ? "" : view.vocabulary[Int($0)] }
    }

    /// The item attribute keys to list in the manifest: every key some item has.
    var itemAttributeKeys: [String] {
        if case .derived(let derived) = itemStorage {
            return derived.attributes.filter { $0.attributeOfItem.contains { $0 != 0 } }.map(\.key).sorted()
        }
        var keys = Set<String>()
        for item in items { for key in item.attributes.keys { keys.insert(key) } }
        return keys.sorted()
    }

    /// The column of `key` to store, or nil when it can be derived from the relations.
    func storedAttributeColumn(_ key: String) -> [String]? {
        let column: [String]
        if case .derived(let derived) = itemStorage, let own = derived.attributes.first(where: { $0.key == key }) {
            // Items made from this relation and vocabulary (still the same arrays, so `==` answers
            // without comparing elements, as for a dataset built or read here) follow by construction.
            if let relation = relations.first(where: { $0.view == key }), let view = view(named: key),
               relation.attributeOfItem == own.attributeOfItem, view.vocabulary == own.vocabulary { return nil }
            column = own.attributeOfItem.map { $0 == 0 ? "" : own.vocabulary[Int($0)] }
        } else {
            column = items.map { $0.attributes[key] ?? "" }
        }
        return Self.attributeColumn(key, views: views, relations: relations, itemCount: column.count) == column ? nil : column
    }

    /// Whether item `i`'s id is the item vocabulary's entry `i` for every item.
    var itemIDsFollowVocabulary: Bool {
        let vocabulary = views.first?.vocabulary ?? []
        if case .derived(let derived) = itemStorage { return derived.ids == vocabulary }
        let items = self.items
        return items.count == vocabulary.count && zip(items, vocabulary).allSatisfy { $0.id == $1 }
    }

    /// The display names to store, or nil when every name is the id.
    var storedDisplayNames: [String]? {
        if case .derived(let derived) = itemStorage { return derived.displayNames }
        let items = self.items
        return items.contains(where: { $0.displayName != $0.id }) ? items.map(\.displayName) : nil
    }
}
