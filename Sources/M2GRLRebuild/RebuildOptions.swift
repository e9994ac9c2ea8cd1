/// Per-invocation knobs of a rebuild run (the configuration file holds the rest).
public struct RebuildOptions: Sendable {
    /// Rebuild even when the live snapshot already covers the newest day.
    public var force = false
    /// Human log lines (one per step start/end, plus detail).
    public var log: @Sendable (String) -> Void = { _ in }
    /// Trainer progress lines (rate, ETA); nil = quiet.
    public var trainingProgress: (@Sendable (String) -> Void)?
    /// Polled between steps and by the trainer; true stops the run before publishing.
    public var shouldStop: @Sendable () -> Bool = { false }

    public init() {}
}
