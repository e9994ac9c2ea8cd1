/// A RESP reply the decoder cannot accept: malformed framing or a size over the decoder's limits.
public struct RESPError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// Unknown type byte, bad length, missing CRLF, non-numeric integer.
        case malformed
        /// A bulk string, array or nesting deeper than the decoder allows.
        case tooLarge = "too_large"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "resp \(code.rawValue): \(message)" }
}
