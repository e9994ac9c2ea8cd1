import Foundation
@testable import M2GRLBench
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on 127.0.0.1 (a free port) for the fake servers of the bench tests: every
/// accepted connection is handed to `serve` on a thread of its own, which owns and closes it.
final class LoopbackListener: @unchecked Sendable {
    // @unchecked Sendable: `fd`, `port` and `serve` are immutable after init.
    let fd: Int32
    let port: Int
    private let serve: @Sendable (Int32) -> Void

    init(serve: @escaping @Sendable (Int32) -> Void) throws {
        self.serve = serve
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw BenchError(.connection, "fake server cannot listen")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops accepting. Only shuts the socket down: the accept thread closes it once `accept`
    /// fails, so the descriptor number cannot be reused (by another test's socket) while that
    /// thread may still call `accept` on it.
    func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Receives from connection `fd` until the peer closes it or `body` returns false, handing
    /// `body` each chunk as it arrives (the fake servers' read loop).
    static func receiveChunks(_ fd: Int32, _ body: ([UInt8]) -> Bool) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 || !body(Array(buffer[0..<n])) { return }
        }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(fd, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                close(fd)
                return
            }
            let serve = serve
            Thread { serve(connection) }.start()
        }
    }
}
