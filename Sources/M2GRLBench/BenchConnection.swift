#if canImport(Glibc)
import Glibc
#endif
import WireProtocol

/// A lean blocking TCP connection for load generation: writes pre-encoded frames and reads reply
/// frames with a reusable buffer. One thread writes and (in open loop) another reads; a blocking
/// socket is full duplex, so that is safe without a lock.
public final class BenchConnection: @unchecked Sendable {
    // @unchecked Sendable: `fd` is immutable; the read state (`decoder`, `buffer`) is only used
    // by the one thread that calls `nextFrame`, and `write` touches nothing but the descriptor.
    let fd: Int32
    private var decoder = FrameDecoder(maximumBodyLength: 64 << 20)
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    /// Connects to `host:port` (IPv4 literal or "localhost") with TCP_NODELAY; sends HELLO unless `raw`.
    public init(host: String, port: Int, raw: Bool = false) throws(BenchError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError(.connection, "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            close(fd)
            throw BenchError(.invalidArgument, "not an IPv4 address: \(host)")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BenchError(.connection, "cannot connect to \(host):\(port): \(reason)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // A server that stops answering fails the run after 30 s instead of hanging it.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        if !raw {
            try write(Frame.encode(HelloRequest(clientName: "m2grl-bench"), requestID: 0))
            let reply = try nextFrame()
            guard reply.header.type == HelloReply.messageType else {
                throw BenchError(.protocolViolation, "HELLO answered with \(reply.header.type.name)")
            }
        }
    }

    deinit { close(fd) }

    /// Shuts down both directions (wakes a thread blocked in `nextFrame`).
    public func shutdownBoth() { _ = shutdown(fd, Int32(SHUT_RDWR)) }

    /// Writes all of `bytes`.
    public func write(_ bytes: [UInt8]) throws(BenchError) {
        var failure: BenchError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = BenchError(.connection, "send: \(String(cString: strerror(errno)))")
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
    }

    /// Blocks until the next complete frame arrives.
    public func nextFrame() throws(BenchError) -> Frame {
        while true {
            do {
                if let frame = try decoder.next() { return frame }
            } catch {
                throw BenchError(.protocolViolation, "unreadable frame: \(error)")
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw BenchError(.connection, "no reply within 30 s") }
                throw BenchError(.connection, "recv: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw BenchError(.connection, "server closed the connection") }
            buffer.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// Overwrites the request id (bytes 8..<16, little-endian) of an encoded frame.
    @inlinable
    public static func setRequestID(_ id: UInt64, in frame: inout [UInt8]) {
        var value = id.littleEndian
        withUnsafeBytes(of: &value) { source in
            frame.withUnsafeMutableBytes { target in
                target.baseAddress!.advanced(by: 8).copyMemory(from: source.baseAddress!, byteCount: 8)
            }
        }
    }
}
