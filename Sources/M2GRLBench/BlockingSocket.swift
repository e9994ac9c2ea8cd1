#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A connected blocking TCP socket (IPv4, TCP_NODELAY, 30 s receive timeout), shared by the
/// benchmark's two wire clients (m2grl frames and RESP). Closed on deinit.
final class BlockingSocket: @unchecked Sendable {
    // @unchecked Sendable: `fd` is immutable and the socket calls are thread-safe; one thread
    // sends while another receives (a TCP socket is full duplex).
    let fd: Int32

    /// How long (ns) `receive` polls with non-blocking `recv` before it blocks; 0 = block at once.
    /// Busy polling takes the client's own wake-up out of a one-connection round trip (on an idle
    /// VM a sleeping thread's wake-up costs tens of µs), as latency tools like sockperf do. It
    /// burns a core while waiting, so only the one-connection phases use it.
    static let busyPollNanoseconds = Atomic<UInt64>(0)

    /// Connects to `host:port` ("localhost" or an IPv4 literal).
    init(host: String, port: Int) throws(BenchError) {
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
    }

    deinit { close(fd) }

    /// Shuts down both directions (wakes a thread blocked in `receive`).
    func shutdownBoth() { _ = shutdown(fd, Int32(SHUT_RDWR)) }

    /// Writes all of `bytes`.
    func send(_ bytes: [UInt8]) throws(BenchError) {
        var failure: BenchError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
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

    /// Blocks until some bytes arrive and hands them to `consume`; throws on EOF, error or timeout.
    func receive(into buffer: inout [UInt8], _ consume: (UnsafeRawBufferPointer) -> Void) throws(BenchError) {
        let poll = Self.busyPollNanoseconds.load(ordering: .relaxed)
        let pollUntil = poll > 0 ? monotonicNanos() &+ poll : 0
        while true {
            let polling = pollUntil > 0 && monotonicNanos() < pollUntil
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, polling ? Int32(MSG_DONTWAIT) : 0) }
            if n < 0 {
                if errno == EINTR || (polling && (errno == EAGAIN || errno == EWOULDBLOCK)) { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw BenchError(.connection, "no reply within 30 s") }
                throw BenchError(.connection, "recv: \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw BenchError(.connection, "server closed the connection") }
            buffer.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            return
        }
    }
}
