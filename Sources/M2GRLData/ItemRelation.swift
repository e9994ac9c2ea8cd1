/// The item → attribute relation of one attribute view, with its training pairs.
public struct ItemRelation: Sendable {
    /// Name of the attribute view ("category", "shop", ...).
    public var view: String
    /// Attribute dense id per item dense id (0 = unknown / reserved).
    public var attributeOfItem: [Int32]

    private enum Pairs: Sendable {
        case stored([(item: Int32, attribute: Int32)])
        /// One pair per item token with an attribute, made on access (the tokens are shared with
        /// the item view's sequences: no copy).
        case derived(itemTokens: [Int32])
    }
    private var storage: Pairs

    /// The (item occurrence, attribute) training pairs. A relation made by `DatasetBuilder` or
    /// read from a dataset directory derives them from the item tokens on each access (O(tokens):
    /// read them once); setting them stores them.
    public var pairs: [(item: Int32, attribute: Int32)] {
        get {
            switch storage {
            case .stored(let pairs): return pairs
            case .derived(let tokens): return Self.pairs(followingItemTokens: tokens, attributeOfItem: attributeOfItem)
            }
        }
        set { storage = .stored(newValue) }
    }

    /// Number of training pairs, without making them.
    public var pairCount: Int {
        switch storage {
        case .stored(let pairs): return pairs.count
        case .derived(let tokens):
            return attributeOfItem.withUnsafeBufferPointer { attribute in tokens.reduce(0) { $0 + (attribute[Int($1)] != 0 ? 1 : 0) } }
        }
    }

    public init(view: String, attributeOfItem: [Int32], pairs: [(item: Int32, attribute: Int32)]) {
        self.view = view
        self.attributeOfItem = attributeOfItem
        self.storage = .stored(pairs)
    }

    /// A relation whose pairs are one per token of `itemTokens` (the item view's sequences, in
    /// order) whose item has an attribute — the pairs of the alignment task (M2GRL.md §2).
    /// Every token must be below `attributeOfItem.count`.
    public init(view: String, attributeOfItem: [Int32], itemTokens: [Int32]) {
        self.view = view
        self.attributeOfItem = attributeOfItem
        self.storage = .derived(itemTokens: itemTokens)
    }

    /// The pairs of `init(view:attributeOfItem:itemTokens:)`.
    static func pairs(followingItemTokens tokens: [Int32], attributeOfItem: [Int32]) -> [(item: Int32, attribute: Int32)] {
        var pairs: [(item: Int32, attribute: Int32)] = []
        pairs.reserveCapacity(tokens.count)
        attributeOfItem.withUnsafeBufferPointer { attribute in
            for item in tokens {
                let value = attribute[Int(item)]
                if value != 0 { pairs.append((item, value)) }
            }
        }
        return pairs
    }

    /// Whether `pairs` are exactly those `itemTokens` give (see `init(view:attributeOfItem:itemTokens:)`).
    func pairsFollow(itemTokens tokens: [Int32]) -> Bool {
        if case .derived(let own) = storage, own == tokens { return true }
        let pairs = self.pairs
        var p = 0
        return attributeOfItem.withUnsafeBufferPointer { attribute in
            pairs.withUnsafeBufferPointer { pairs in
                for item in tokens {
                    guard item >= 0, Int(item) < attribute.count else { return false }
                    let value = attribute[Int(item)]
                    if value == 0 { continue }
                    guard p < pairs.count, pairs[p].item == item, pairs[p].attribute == value else { return false }
                    p += 1
                }
                return p == pairs.count
            }
        }
    }
}
