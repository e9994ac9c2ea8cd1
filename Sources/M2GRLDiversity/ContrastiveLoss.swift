/// The contrastive loss of the metric model on one labelled pair with squared distance `d`:
/// `½·[y·d + (1 − y)·max(m − √d, 0)²]`.
///
/// `√d` is taken as `√(d + ε)` with `ε = 1e-12` in both the value and the derivative, so the
/// negative branch stays differentiable when two items coincide (the value differs from the
/// textbook formula by less than `m·10⁻⁶`).
public enum ContrastiveLoss {
    /// Smoothing added under the square root.
    public static let epsilon = 1e-12

    /// The loss value.
    public static func value(distance d: Double, positive: Bool, margin m: Double) -> Double {
        if positive { return 0.5 * d }
        let gap = m - (d + epsilon).squareRoot()
        return gap > 0 ? 0.5 * gap * gap : 0
    }

    /// `∂loss/∂d`: ½ for a positive pair; `−(m − √d)/(2√d)` for a negative pair inside the
    /// margin; 0 when the hinge is inactive.
    public static func derivative(distance d: Double, positive: Bool, margin m: Double) -> Double {
        if positive { return 0.5 }
        let s = (d + epsilon).squareRoot()
        let gap = m - s
        return gap > 0 ? -gap / (2 * s) : 0
    }
}
