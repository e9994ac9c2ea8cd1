#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking IPv4 TCP socket with deadlines (poll-based), for the client.
struct ClientSocket {
    let descriptor: Int32

    /// Connects to `host:port` (dotted IPv4 or a name resolved by getaddrinfo) within `timeout` seconds.
    static func connect(host: String, port: Int, timeout: Double) throws(RPCClientError) -> ClientSocket {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw RPCClientError(.connectFailed, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw RPCClientError(.connectFailed, "socket: \(String(cString: strerror(errno)))") }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var result = Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen)
        if result != 0 && errno == EINPROGRESS {
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(1, timeout * 1000)))
            if ready == 1 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                result = error == 0 ? 0 : -1
                errno = error
            } else {
                _ = Glibc.close(fd)
                throw RPCClientError(.connectFailed, "connect to \(host):\(port) timed out after \(timeout) s")
            }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw RPCClientError(.connectFailed, "cannot connect to \(host):\(port): \(message)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return ClientSocket(descriptor: fd)
    }

    /// Writes every byte before `deadline` (monotonic seconds).
    func sendAll(_ bytes: UnsafeRawBufferPointer, deadline: Double) throws(RPCClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n > 0 {
                offset += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try wait(for: Int16(POLLOUT), deadline: deadline)
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                if errno == EPIPE || errno == ECONNRESET { throw RPCClientError(.connectionClosed, "server closed the connection") }
                throw RPCClientError(.io, "send: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads what is available (at least one byte) before `deadline`.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Double) throws(RPCClientError) -> Int {
        while true {
            let n = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return n }
            if n == 0 { throw RPCClientError(.connectionClosed, "server closed the connection") }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), deadline: deadline)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET {
                throw RPCClientError(.connectionClosed, "connection reset by the server")
            } else {
                throw RPCClientError(.io, "recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    func close() { _ = Glibc.close(descriptor) }

    private func wait(for events: Int16, deadline: Double) throws(RPCClientError) {
        while true {
            let remaining = deadline - Self.now()
            guard remaining > 0 else { throw RPCClientError(.timeout, "no reply within the request timeout") }
            var pfd = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining * 1000 + 1, 3_600_000)))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw RPCClientError(.io, "poll: \(String(cString: strerror(errno)))") }
        }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
