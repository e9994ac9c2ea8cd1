import WireProtocol

/// A lean blocking TCP connection to `m2grl serve` for load generation: writes pre-encoded frames
/// and reads reply frames with a reusable buffer. One thread writes and (in open loop) another
/// reads; a blocking socket is full duplex, so that is safe without a lock.
public final class BenchConnection: LoadConnection, @unchecked Sendable {
    // @unchecked Sendable: `socket` is immutable; the read state (`decoder`, `buffer`) is only used
    // by the one thread that calls `nextFrame`, and `write` touches nothing but the descriptor.
    let socket: BlockingSocket
    var decoder = FrameDecoder(maximumBodyLength: 64 << 20)
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    /// Connects to `host:port` (IPv4 literal or "localhost") with TCP_NODELAY; sends HELLO unless `raw`.
    public init(host: String, port: Int, raw: Bool = false) throws(BenchError) {
        socket = try BlockingSocket(host: host, port: port)
        if !raw {
            try write(Frame.encode(HelloRequest(clientName: "m2grl-bench"), requestID: 0))
            let reply = try nextFrame()
            guard reply.header.type == HelloReply.messageType else {
                throw BenchError(.protocolViolation, "HELLO answered with \(reply.header.type.name)")
            }
        }
    }

    /// Shuts down both directions (wakes a thread blocked in `nextFrame`).
    public func shutdownBoth() { socket.shutdownBoth() }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(BenchError) { try socket.send(bytes) }

    /// Blocks until the next complete frame arrives.
    public func nextFrame() throws(BenchError) -> Frame {
        while true {
            do {
                if let frame = try decoder.next() { return frame }
            } catch {
                throw BenchError(.protocolViolation, "unreadable frame: \(error)")
            }
            try socket.receive(into: &buffer) { decoder.feed($0) }
        }
    }

    /// Sends `request` with its request id set to `sequence`.
    public func send(_ request: [UInt8], sequence: UInt64) throws(BenchError) {
        var frame = request
        Self.setRequestID(sequence, in: &frame)
        try write(frame)
    }

    /// The next reply frame: its request id and whether it is an ERROR frame.
    public func receiveReply() throws(BenchError) -> LoadReply {
        let frame = try nextFrame()
        return LoadReply(sequence: frame.header.requestID, isError: frame.header.type == .error)
    }

    /// Overwrites the request id (bytes 8..<16, little-endian) of the encoded frame starting at
    /// byte `offset` of `frame`.
    @inlinable
    public static func setRequestID(_ id: UInt64, in frame: inout [UInt8], at offset: Int = 0) {
        var value = id.littleEndian
        withUnsafeBytes(of: &value) { source in
            frame.withUnsafeMutableBytes { target in
                target.baseAddress!.advanced(by: offset + 8).copyMemory(from: source.baseAddress!, byteCount: 8)
            }
        }
    }
}
