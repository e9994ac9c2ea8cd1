
/// A minimal blocking RESP2 client connection (Redis) for the same load driver as the m2grl
/// client: commands are pre-encoded bytes, replies come back in request order, so the n-th reply
/// answers sequence number n. `command` is a simple request/response call for setup work.
public final class RESPConnection: LoadConnection, @unchecked Sendable {
    // @unchecked Sendable: `socket` is immutable and full duplex; the read state (`decoder`,
    // `buffer`, `received`) is only touched by the one thread that receives.
    let socket: BlockingSocket
    var decoder = RESPDecoder()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var received: UInt64 = 0

    /// Connects to `host:port` (IPv4 literal or "localhost").
    public init(host: String, port: Int) throws(BenchError) {
        socket = try BlockingSocket(host: host, port: port)
    }

    public func shutdownBoth() { socket.shutdownBoth() }

    /// Sends pre-encoded command bytes (RESP has no request ids: `sequence` only orders replies).
    public func send(_ request: [UInt8], sequence: UInt64) throws(BenchError) { try socket.send(request) }

    /// Blocks until the next complete reply arrives.
    public func nextValue() throws(BenchError) -> RESPValue {
        while true {
            do {
                if let value = try decoder.next() {
                    received += 1
                    return value
                }
            } catch {
                throw BenchError(.protocolViolation, "unreadable RESP reply: \(error)")
            }
            try socket.receive(into: &buffer) { decoder.feed($0) }
        }
    }

    /// The next reply, numbered in arrival order.
    public func receiveReply() throws(BenchError) -> LoadReply {
        let value = try nextValue()
        return LoadReply(sequence: received, isError: value.isError)
    }

    /// Sends one command and returns its reply (an error reply is returned, not thrown).
    public func command(_ arguments: [[UInt8]]) throws(BenchError) -> RESPValue {
        try socket.send(RESPEncoder.command(arguments))
        return try nextValue()
    }

    /// Sends one command of text arguments and returns its reply.
    public func command(_ arguments: String...) throws(BenchError) -> RESPValue {
        try command(arguments.map { Array($0.utf8) })
    }

    /// Sends commands back to back (pipelined) and returns their replies in order.
    public func pipeline(_ commands: [[[UInt8]]]) throws(BenchError) -> [RESPValue] {
        var bytes: [UInt8] = []
        for c in commands { bytes += RESPEncoder.command(c) }
        try socket.send(bytes)
        var replies: [RESPValue] = []
        for _ in commands { replies.append(try nextValue()) }
        return replies
    }
}
