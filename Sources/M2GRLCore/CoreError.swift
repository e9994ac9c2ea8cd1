/// A typed error of the core utilities (file formats, configuration).
public struct CoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        case io, format, unsupportedVersion, invalidArgument, config
        /// An embedding file holds NaN or ±infinity.
        case nonFiniteValue
        /// An embedding file or table lists the same id twice.
        case duplicateID
    }
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// `text` quoted for an error message, cut to `limit` characters (a bad line can be megabytes long).
    public static func excerpt(_ text: some StringProtocol, limit: Int = 80) -> String {
        guard text.utf8.count > limit, text.count > limit else { return "'\(text)'" }
        return "'\(text.prefix(limit))…' (\(text.utf8.count) bytes)"
    }
}
