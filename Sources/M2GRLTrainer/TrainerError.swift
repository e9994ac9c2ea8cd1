/// A typed error of the trainer and the evaluator.
public struct TrainerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A configuration key or value is unknown or out of range.
        case invalidConfiguration
        /// The dataset cannot be trained on (no views, no sequences, inconsistent relations).
        case invalidDataset
        /// A checkpoint or warm-start model is missing, corrupt or does not fit this run.
        case invalidCheckpoint
        /// An embedding table cannot be evaluated (no item table, dimension mismatch).
        case invalidModel
        /// Reading or writing a file failed.
        case io
        /// Training diverged: a loss, a task variance or a parameter became NaN or infinite.
        case diverged
        /// Training was interrupted (SIGINT); a checkpoint was written when configured.
        case interrupted
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
