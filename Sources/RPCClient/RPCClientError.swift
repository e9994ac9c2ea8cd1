import WireProtocol

/// A typed client failure: transport, timeout, protocol, or an error frame from the server.
public struct RPCClientError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The TCP connection could not be established.
        case connectFailed
        /// No reply within the request timeout.
        case timeout
        /// The server closed the connection.
        case connectionClosed
        /// A socket call failed.
        case io
        /// The server sent bytes that do not follow the protocol.
        case protocolViolation
        /// The server answered with an ERROR frame (`serverCode` says which).
        case server
    }

    public var code: Code
    /// The server's error code, for `.server`.
    public var serverCode: ErrorCode?
    public var message: String

    public init(_ code: Code, _ message: String, serverCode: ErrorCode? = nil) {
        self.code = code
        self.message = message
        self.serverCode = serverCode
    }

    /// An error frame's content.
    public init(server reply: ErrorReply) {
        self.init(.server, reply.message, serverCode: reply.code)
    }

    /// Whether the connection is unusable after this error.
    public var breaksConnection: Bool {
        switch code {
        case .connectFailed, .timeout, .connectionClosed, .io, .protocolViolation: return true
        case .server: return serverCode?.isFraming ?? false
        }
    }

    public var description: String {
        if let serverCode { return "server error \(serverCode.name): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
