import Synchronization
import WireProtocol

/// A client for the M2GRL RPC server (docs/PROTOCOL.md) over a plain blocking TCP socket.
///
/// Connects and says HELLO on creation; `hello` holds the server's limits and views. Calls are
/// serialised by an internal lock, so one client may be shared between threads, but for parallel
/// load give each thread its own client. Many requests can be pipelined on the connection with
/// `topK(pipelined:)` or the lower-level `send`/`receive`. When `automaticReconnect` is on, an
/// idempotent call that finds the connection broken reconnects once and retries.
public final class RPCClient: Sendable {
    /// How to reach the server and how long to wait.
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// Seconds to establish the TCP connection.
        public var connectTimeout: Double
        /// Seconds to wait for each reply.
        public var requestTimeout: Double
        public var clientName: String
        /// Reconnect (once per call) when an idempotent call finds the connection broken.
        public var automaticReconnect: Bool

        public init(host: String = "127.0.0.1", port: Int, connectTimeout: Double = 2, requestTimeout: Double = 5,
                    clientName: String = "m2grl-swift", automaticReconnect: Bool = true) {
            self.host = host
            self.port = port
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.clientName = clientName
            self.automaticReconnect = automaticReconnect
        }
    }

    public let options: Options
    private let connection: Mutex<ClientConnection?>
    private let lastHello: Mutex<HelloReply?>

    /// Connects and performs HELLO.
    public init(_ options: Options) throws(RPCClientError) {
        self.options = options
        let (connection, hello) = try Self.open(options)
        self.connection = Mutex(connection)
        self.lastHello = Mutex(hello)
    }

    /// Connects to `host:port` with default options.
    public convenience init(host: String = "127.0.0.1", port: Int) throws(RPCClientError) {
        try self.init(Options(host: host, port: port))
    }

    deinit { connection.withLock { $0?.socket.close() } }

    /// The server's HELLO reply from the latest (re)connection.
    public var hello: HelloReply { lastHello.withLock { $0! } }

    /// Closes the connection; later calls reconnect if `automaticReconnect` is on.
    public func close() {
        connection.withLock { connection in
            connection?.socket.close()
            connection = nil
        }
    }

    /// Drops the connection and opens a new one (with HELLO).
    public func reconnect() throws(RPCClientError) {
        let (fresh, hello) = try Self.open(options)
        connection.withLock { connection in
            connection?.socket.close()
            connection = fresh
        }
        lastHello.withLock { $0 = hello }
    }

    // MARK: Requests

    /// PING with `payload`; returns the echoed payload.
    public func ping(payload: [UInt8] = []) throws(RPCClientError) -> [UInt8] {
        let frame = try call(PingMessage(payload: payload), expecting: MessageType.ping.reply)
        return frame.body
    }

    /// INFO: the served snapshot and its views.
    public func info() throws(RPCClientError) -> InfoReply {
        try decode(try call(InfoRequest(), expecting: InfoReply.messageType), as: InfoReply.self)
    }

    /// STATS: the server's counters and latency summaries.
    public func stats() throws(RPCClientError) -> StatsReply {
        try decode(try call(StatsRequest(), expecting: StatsReply.messageType), as: StatsReply.self)
    }

    /// One TOPK request (single or batched queries).
    public func topK(_ request: TopKRequest, flags: FrameFlags = []) throws(RPCClientError) -> TopKReply {
        let frame = try call(request, flags: flags, expecting: TopKReply.messageType)
        do { return try frame.decodeTopKReply() } catch {
            throw RPCClientError(.protocolViolation, "bad TOPK reply: \(error)")
        }
    }

    /// Sends every request before reading any reply (one round trip for all), then returns each
    /// request's outcome in request order, whatever order the replies came in.
    public func topK(pipelined requests: [TopKRequest], flags: FrameFlags = []) throws(RPCClientError) -> [Result<TopKReply, RPCClientError>] {
        try withConnection(retry: true) { (connection) throws(RPCClientError) in
            var writer = ByteWriter(reservingCapacity: requests.count * 64)
            var ids: [UInt64] = []
            for request in requests {
                let id = connection.nextRequestID()
                ids.append(id)
                writer.write(bytes: Frame.encode(request, flags: flags, requestID: id))
            }
            let deadline = ClientSocket.now() + options.requestTimeout
            try connection.write(writer.bytes, deadline: deadline)
            var results: [Result<TopKReply, RPCClientError>] = []
            for id in ids {
                let frame = try connection.receive(requestID: id, deadline: deadline)
                if frame.header.type == .error {
                    let error = RPCClientError(server: (try? frame.decode(ErrorReply.self)) ?? ErrorReply(code: .internalError, message: "unreadable error"))
                    if error.breaksConnection { throw error }
                    results.append(.failure(error))
                } else {
                    do { results.append(.success(try frame.decodeTopKReply())) } catch {
                        throw RPCClientError(.protocolViolation, "bad TOPK reply: \(error)")
                    }
                }
            }
            return results
        }
    }

    /// DIVERSE: items near the trigger(s) by the diversity metric with per-request weights and
    /// exclusions (docs/PROTOCOL.md). `includeNames` asks for external ids and display names.
    public func diverse(_ request: DiverseRequest, includeNames: Bool = false) throws(RPCClientError) -> DiverseReply {
        let frame = try call(request, flags: includeNames ? .includeNames : [], expecting: DiverseReply.messageType)
        do { return try frame.decodeDiverseReply() } catch {
            throw RPCClientError(.protocolViolation, "bad DIVERSE reply: \(error)")
        }
    }

    /// RELOAD (admin): load `target` (`current` or a snapshot path) and swap it in. Not retried.
    public func reload(token: String, target: String = "current") throws(RPCClientError) -> ReloadReply {
        let frame = try call(ReloadRequest(token: token, target: target), expecting: ReloadReply.messageType, retry: false)
        return try decode(frame, as: ReloadReply.self)
    }

    // MARK: Low level

    /// Sends any message without waiting; returns its request id for `receive(requestID:)`.
    public func send<M: WireMessage>(_ message: M, flags: FrameFlags = []) throws(RPCClientError) -> UInt64 {
        try withConnection(retry: false) { (connection) throws(RPCClientError) in
            let id = connection.nextRequestID()
            try connection.write(Frame.encode(message, flags: flags, requestID: id), deadline: ClientSocket.now() + options.requestTimeout)
            return id
        }
    }

    /// Sends a frame of any type with a raw body (e.g. a type newer than this library); returns its id.
    public func send(type: MessageType, flags: FrameFlags = [], body: [UInt8]) throws(RPCClientError) -> UInt64 {
        try withConnection(retry: false) { (connection) throws(RPCClientError) in
            let id = connection.nextRequestID()
            let frame = Frame(type: type, flags: flags, requestID: id, body: body)
            try connection.write(frame.bytes, deadline: ClientSocket.now() + options.requestTimeout)
            return id
        }
    }

    /// Waits for the reply (or error frame) to `requestID`; other replies are kept for their callers.
    public func receive(requestID: UInt64) throws(RPCClientError) -> Frame {
        try withConnection(retry: false) { (connection) throws(RPCClientError) in
            try connection.receive(requestID: requestID, deadline: ClientSocket.now() + options.requestTimeout)
        }
    }

    private func call<M: WireMessage>(_ message: M, flags: FrameFlags = [], expecting type: MessageType,
                                      retry: Bool = true) throws(RPCClientError) -> Frame {
        let frame = try withConnection(retry: retry) { (connection) throws(RPCClientError) in
            let id = connection.nextRequestID()
            let deadline = ClientSocket.now() + options.requestTimeout
            try connection.write(Frame.encode(message, flags: flags, requestID: id), deadline: deadline)
            return try connection.receive(requestID: id, deadline: deadline)
        }
        if frame.header.type == .error {
            throw RPCClientError(server: (try? frame.decode(ErrorReply.self)) ?? ErrorReply(code: .internalError, message: "unreadable error"))
        }
        guard frame.header.type == type else {
            throw RPCClientError(.protocolViolation, "expected \(type.name), got \(frame.header.type.name)")
        }
        return frame
    }

    private func decode<M: WireMessage>(_ frame: Frame, as type: M.Type) throws(RPCClientError) -> M {
        do { return try frame.decode(M.self) } catch {
            throw RPCClientError(.protocolViolation, "bad \(M.messageType.name): \(error)")
        }
    }

    /// Runs `body` on the live connection, opening one if needed; on a connection-breaking error
    /// the connection is dropped and, if `retry` and `automaticReconnect`, the body runs once more.
    private func withConnection<T>(retry: Bool, _ body: (inout ClientConnection) throws(RPCClientError) -> T) throws(RPCClientError) -> T {
        try connection.withLock { (slot) throws(RPCClientError) -> T in
            var attempts = retry && options.automaticReconnect ? 2 : 1
            while true {
                attempts -= 1
                do throws(RPCClientError) {
                    if slot == nil {
                        guard options.automaticReconnect || attempts >= 0 else {
                            throw RPCClientError(.connectionClosed, "client is closed")
                        }
                        let (fresh, hello) = try Self.open(options)
                        slot = fresh
                        lastHello.withLock { $0 = hello }
                    }
                    return try body(&slot!)
                } catch {
                    if error.breaksConnection {
                        slot?.socket.close()
                        slot = nil
                    }
                    if attempts > 0 && error.breaksConnection && error.code != .timeout { continue }
                    throw error
                }
            }
        }
    }

    private static func open(_ options: Options) throws(RPCClientError) -> (ClientConnection, HelloReply) {
        let socket = try ClientSocket.connect(host: options.host, port: options.port, timeout: options.connectTimeout)
        var connection = ClientConnection(socket: socket)
        do throws(RPCClientError) {
            let id = connection.nextRequestID()
            let deadline = ClientSocket.now() + options.requestTimeout
            try connection.write(Frame.encode(HelloRequest(clientName: options.clientName), requestID: id), deadline: deadline)
            let frame = try connection.receive(requestID: id, deadline: deadline)
            if frame.header.type == .error {
                throw RPCClientError(server: (try? frame.decode(ErrorReply.self)) ?? ErrorReply(code: .internalError, message: "unreadable error"))
            }
            do { return (connection, try frame.decode(HelloReply.self)) } catch {
                throw RPCClientError(.protocolViolation, "bad HELLO reply: \(error)")
            }
        } catch {
            socket.close()
            throw error
        }
    }
}
