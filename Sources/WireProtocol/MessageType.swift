/// The type byte of a frame header.
///
/// An open set: any byte value is representable, so a receiver can report (or skip) a type it does
/// not know instead of failing to parse the header. Requests use `0x01...0x7E`; a reply's type is its
/// request's type with the high bit set; `0x7F` is the error frame.
public struct MessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Version negotiation and server limits.
    public static let hello = MessageType(rawValue: 0x01)
    /// Liveness check; the reply echoes the body.
    public static let ping = MessageType(rawValue: 0x02)
    /// Snapshot and view description.
    public static let info = MessageType(rawValue: 0x03)
    /// Server counters and latency histograms.
    public static let stats = MessageType(rawValue: 0x04)
    /// Top-K nearest items of one view.
    public static let topK = MessageType(rawValue: 0x05)
    /// Diversity retrieval by the learned metric, with per-request weights and exclusions
    /// (a server without it answers `unsupportedMessageType`).
    public static let diverse = MessageType(rawValue: 0x06)
    /// Admin: load a snapshot and swap it in.
    public static let reload = MessageType(rawValue: 0x10)
    /// An error reply (request-level or framing).
    public static let error = MessageType(rawValue: 0x7F)

    /// The reply type of a request type (high bit set).
    public var reply: MessageType { MessageType(rawValue: rawValue | 0x80) }
    /// Whether this is a reply type (high bit set) or the error type.
    public var isReply: Bool { rawValue & 0x80 != 0 || self == .error }
    /// The request type this reply answers.
    public var request: MessageType { MessageType(rawValue: rawValue & 0x7F) }

    /// A short lower-case name (used in logs and STATS counter names).
    public var name: String {
        switch MessageType(rawValue: rawValue & 0x7F) {
        case .hello: return rawValue & 0x80 == 0 ? "hello" : "hello_reply"
        case .ping: return rawValue & 0x80 == 0 ? "ping" : "pong"
        case .info: return rawValue & 0x80 == 0 ? "info" : "info_reply"
        case .stats: return rawValue & 0x80 == 0 ? "stats" : "stats_reply"
        case .topK: return rawValue & 0x80 == 0 ? "topk" : "topk_reply"
        case .diverse: return rawValue & 0x80 == 0 ? "diverse" : "diverse_reply"
        case .reload: return rawValue & 0x80 == 0 ? "reload" : "reload_reply"
        case .error where rawValue == 0x7F: return "error"
        default: return "type_0x" + String(rawValue, radix: 16)
        }
    }

    public var description: String { name }

    /// The request types a version-1 server implements (DIVERSE was added within version 1:
    /// compatibility rule 1 lets older servers refuse it per request).
    public static let version1Requests: [MessageType] = [.hello, .ping, .info, .stats, .topK, .diverse, .reload]
}
