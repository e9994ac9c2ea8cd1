/// One training pair of feature rows with its label (positive = "should be close").
public struct LabeledPair: Sendable, Hashable {
    public var a: Int32
    public var b: Int32
    public var positive: Bool

    public init(_ a: Int32, _ b: Int32, positive: Bool) {
        self.a = a
        self.b = b
        self.positive = positive
    }
}
