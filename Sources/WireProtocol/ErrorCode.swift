/// The code carried by an error frame.
///
/// Codes below 16 are *framing* errors: the server sends the error frame and closes the connection,
/// because the byte stream can no longer be trusted. Codes from 16 are *request-level*: the
/// connection stays open. Unknown codes must be tolerated by clients (an open set).
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    // MARK: Framing errors (connection closed)
    /// The first four bytes of a frame are not `M2GR`.
    public static let badMagic = ErrorCode(rawValue: 1)
    /// The header's version byte (or HELLO's range) names no version this peer speaks.
    public static let unsupportedVersion = ErrorCode(rawValue: 2)
    /// The header announces a body longer than the peer's maximum frame size.
    public static let frameTooLarge = ErrorCode(rawValue: 3)
    /// A body does not parse as its message type.
    public static let malformedBody = ErrorCode(rawValue: 4)
    /// A frame started and did not complete before the deadline.
    public static let frameTimeout = ErrorCode(rawValue: 5)

    // MARK: Request-level errors (connection kept)
    /// The message type is not implemented by this server (e.g. DIVERSE on v1).
    public static let unsupportedMessageType = ErrorCode(rawValue: 16)
    /// The named view does not exist in the current snapshot.
    public static let unknownView = ErrorCode(rawValue: 17)
    /// A query or exclude id is not in the view.
    public static let unknownItem = ErrorCode(rawValue: 18)
    /// An argument is out of range (k, batch size, dimension, empty query).
    public static let invalidArgument = ErrorCode(rawValue: 19)
    /// The connection has more requests in flight than the server allows.
    public static let tooManyInFlight = ErrorCode(rawValue: 20)
    /// RELOAD with a missing or wrong token.
    public static let unauthorized = ErrorCode(rawValue: 21)
    /// RELOAD is disabled (no admin token configured).
    public static let adminDisabled = ErrorCode(rawValue: 22)
    /// The snapshot could not be loaded; the old one keeps serving.
    public static let reloadFailed = ErrorCode(rawValue: 23)
    /// The server is draining and accepts no new work.
    public static let shuttingDown = ErrorCode(rawValue: 24)
    /// The server is at a capacity limit (e.g. max connections).
    public static let overloaded = ErrorCode(rawValue: 25)
    /// An unexpected internal failure (e.g. the index refused a search).
    public static let internalError = ErrorCode(rawValue: 26)
    /// The snapshot lacks the model a request needs (DIVERSE without a diversity model).
    public static let modelUnavailable = ErrorCode(rawValue: 27)

    /// Whether the sender closes the connection after this error.
    public var isFraming: Bool { rawValue < 16 }

    /// A short snake_case name (used in logs and STATS counter names).
    public var name: String {
        switch self {
        case .badMagic: return "bad_magic"
        case .unsupportedVersion: return "unsupported_version"
        case .frameTooLarge: return "frame_too_large"
        case .malformedBody: return "malformed_body"
        case .frameTimeout: return "frame_timeout"
        case .unsupportedMessageType: return "unsupported_message_type"
        case .unknownView: return "unknown_view"
        case .unknownItem: return "unknown_item"
        case .invalidArgument: return "invalid_argument"
        case .tooManyInFlight: return "too_many_in_flight"
        case .unauthorized: return "unauthorized"
        case .adminDisabled: return "admin_disabled"
        case .reloadFailed: return "reload_failed"
        case .shuttingDown: return "shutting_down"
        case .overloaded: return "overloaded"
        case .internalError: return "internal_error"
        case .modelUnavailable: return "model_unavailable"
        default: return "code_\(rawValue)"
        }
    }

    public var description: String { name }

    /// Every code defined by version 1, in numeric order.
    public static let allVersion1: [ErrorCode] = [
        .badMagic, .unsupportedVersion, .frameTooLarge, .malformedBody, .frameTimeout,
        .unsupportedMessageType, .unknownView, .unknownItem, .invalidArgument, .tooManyInFlight,
        .unauthorized, .adminDisabled, .reloadFailed, .shuttingDown, .overloaded, .internalError, .modelUnavailable,
    ]
}

/// A protocol failure: what went wrong (`code`) and a short human-readable `message`.
public struct WireProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}
