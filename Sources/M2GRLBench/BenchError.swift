/// A failure of the load generator: bad arguments, unreadable inputs, or a server that misbehaves.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case invalidArgument = "invalid_argument"
        case io
        case connection
        case protocolViolation = "protocol_violation"
        case server
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
