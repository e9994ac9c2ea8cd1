/// A typed error of the diversity metric model (bad inputs, bad configuration, bad model files).
public struct DiversityError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// Shapes or values that do not fit together (dimensions, ids, weights).
        case invalidInput
        /// A configuration value out of range or of the wrong type.
        case config
        /// A required table, relation or attachment is missing.
        case missing
        /// A serialised model that cannot be decoded or has an unknown version.
        case format
        /// Nothing to train on (no positive pairs, no items).
        case noData
        /// Writing the bundle back failed.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
