import M2GRLCore

/// The item catalogue of a synthetic log: every item belongs to one shop and one category, shops
/// specialise in one category, and items are grouped so that sessions can browse within a shop or
/// category with long-tailed popularity.
struct SyntheticCatalog {
    let itemCount: Int
    let categoryCount: Int
    let shopCount: Int
    var itemShop: [Int32]
    var itemCategory: [Int32]
    var shopCategory: [Int32]
    /// Items by shop: `shopItems[shopStarts[s]..<shopStarts[s + 1]]`.
    var shopStarts: [Int]
    var shopItems: [Int32]
    /// Items by category.
    var categoryStarts: [Int]
    var categoryItems: [Int32]
    /// Shops by home category.
    var categoryShopStarts: [Int]
    var categoryShops: [Int32]

    init(items: Int, categories: Int, shops: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed, stream: 0xCA7A_1095)
        itemCount = items
        categoryCount = categories
        shopCount = shops
        // Each category has at least one shop; the rest go to long-tailed categories.
        shopCategory = (0..<shops).map { s in Int32(s < categories ? s : rng.skewed(categories, power: 1.6)) }
        itemShop = []
        itemCategory = []
        itemShop.reserveCapacity(items)
        itemCategory.reserveCapacity(items)
        for i in 0..<items {
            // Shops are long-tailed in size too; 90% of a shop's items are in its home category.
            let shop = i < shops ? i : rng.skewed(shops, power: 1.5)
            itemShop.append(Int32(shop))
            itemCategory.append(rng.unit() < 0.9 ? shopCategory[shop] : Int32(rng.below(categories)))
        }
        (shopStarts, shopItems) = Self.group(itemShop, groups: shops)
        (categoryStarts, categoryItems) = Self.group(itemCategory, groups: categories)
        (categoryShopStarts, categoryShops) = Self.group(shopCategory, groups: categories)
    }

    /// CSR grouping of indices by their group id (stable: ascending index within a group).
    static func group(_ keys: [Int32], groups: Int) -> ([Int], [Int32]) {
        var starts = [Int](repeating: 0, count: groups + 1)
        for k in keys { starts[Int(k) + 1] += 1 }
        for g in 0..<groups { starts[g + 1] += starts[g] }
        var next = starts
        var members = [Int32](repeating: 0, count: keys.count)
        for (i, k) in keys.enumerated() {
            members[next[Int(k)]] = Int32(i)
            next[Int(k)] += 1
        }
        return (starts, members)
    }

    /// A long-tailed pick among a shop's items (low ranks are the shop's best sellers).
    @inline(__always)
    func item(inShop shop: Int, _ rng: inout SplitMix64) -> Int32 {
        let lo = shopStarts[shop], n = shopStarts[shop + 1] - lo
        return shopItems[lo + rng.skewed(n, power: 2.5)]
    }

    /// A long-tailed pick among a category's items.
    @inline(__always)
    func item(inCategory category: Int, _ rng: inout SplitMix64) -> Int32 {
        let lo = categoryStarts[category], n = categoryStarts[category + 1] - lo
        if n == 0 { return item(inShop: shop(inCategory: category, &rng), &rng) }
        return categoryItems[lo + rng.skewed(n, power: 3)]
    }

    /// A shop of the category (uniform among its shops).
    @inline(__always)
    func shop(inCategory category: Int, _ rng: inout SplitMix64) -> Int {
        let lo = categoryShopStarts[category], n = categoryShopStarts[category + 1] - lo
        return Int(categoryShops[lo + rng.below(n)])
    }
}
