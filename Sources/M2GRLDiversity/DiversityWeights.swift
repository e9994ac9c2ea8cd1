/// Per-query weights of the two distances: a query ranks candidates by
/// `item·d_i + relational·d_ic` (ascending). Any finite values are allowed; a negative
/// `relational` weight pushes results *away* in the relational (category) space.
public struct DiversityWeights: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `w_i`.
    public var item: Float
    /// `w_ic`.
    public var relational: Float

    public init(item: Float = 1, relational: Float = 1) {
        self.item = item
        self.relational = relational
    }

    /// Throws unless both weights are finite.
    public func validate() throws {
        guard item.isFinite, relational.isFinite else {
            throw DiversityError(.invalidInput, "diversity weights must be finite, got \(self)")
        }
    }

    /// The weighted distance `w_i·d_i + w_ic·d_ic`.
    public func combine(item di: Double, relational dic: Double) -> Double {
        Double(item) * di + Double(relational) * dic
    }

    public var description: String { "(w_i: \(item), w_ic: \(relational))" }
}
