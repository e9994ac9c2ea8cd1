import Foundation

/// Frequency-aware alignment pull on item rows (`alignment.item_frequency_reference`,
/// `alignment.item_frequency_power`).
///
/// The alignment gradient into item `i`'s input row is further multiplied by
/// `min(1, (f0 / c_i)^p)`, `c_i` = the item's train count (occurrences in the item view's
/// sequences), `f0` the reference count, `p` the power: items seen at most `f0` times take the full
/// pull of their attributes (their co-occurrence evidence is thin, so they borrow from their
/// category / director, the sparsity M2GRL's multi-view design addresses), frequent items keep the
/// geometry their co-occurrences give them. `f0 = 0` turns it off (every factor 1, no per-example
/// multiplication, so runs are unchanged).
public struct ItemPull: Sendable {
    /// Factor per item node (empty when inactive).
    private let factors: SharedBuffer<Float>
    /// Whether any factor can be below 1 (reference > 0).
    public let isActive: Bool

    public init(counts: [Int64], reference: Double, power: Double) {
        isActive = reference > 0
        factors = SharedBuffer(isActive ? counts.map { Self.factor(count: $0, reference: reference, power: power) } : [])
    }

    /// `min(1, (reference / count)^power)`; 1 for unseen items and when off.
    public static func factor(count: Int64, reference: Double, power: Double) -> Float {
        guard reference > 0, count > 0 else { return 1 }
        return Float(min(1, pow(reference / Double(count), power)))
    }

    /// The factor of item node `item` (only meaningful when active).
    @inline(__always)
    public subscript(item: Int) -> Float { factors[item] }
}
