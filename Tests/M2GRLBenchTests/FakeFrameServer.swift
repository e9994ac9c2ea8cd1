import Foundation
@testable import M2GRLBench
import WireProtocol
#if canImport(Glibc)
import Glibc
#endif

/// A tiny m2grl frame server on 127.0.0.1 for the load-driver tests: decodes each frame and
/// answers it with a PING frame carrying the same request id, except: every `errorEvery`-th
/// request gets an ERROR frame, `idOffset` shifts the answered id (an unknown request), and after
/// `closeAfter` requests the connection is closed; `silent` never answers; `closeAfterAnswering`
/// closes once that many requests were answered.
final class FakeFrameServer: @unchecked Sendable {
    // @unchecked Sendable: every stored property is immutable after init; each accepted
    // connection is served by its own thread with its own state.
    struct Behaviour: Sendable {
        var errorEvery = 0
        var idOffset: UInt64 = 0
        var closeAfter = Int.max
        var silent = false
        /// Close the connection right after answering this many requests.
        var closeAfterAnswering = Int.max
    }

    let listener: Int32
    let port: Int
    let behaviour: Behaviour

    init(_ behaviour: Behaviour = Behaviour()) throws {
        self.behaviour = behaviour
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
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            let behaviour = behaviour
            Thread { Self.serve(fd, behaviour) }.start()
        }
    }

    private static func serve(_ fd: Int32, _ b: Behaviour) {
        defer { close(fd) }
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            decoder.feed(Array(buffer[0..<n]))
            var out: [UInt8] = []
            while let frame = try? decoder.next() {
                count += 1
                if count > b.closeAfter { return }
                let id = frame.header.requestID &+ b.idOffset
                if b.errorEvery > 0, count % b.errorEvery == 0 {
                    out += Frame.encode(ErrorReply(code: .badMagic, message: "fake"), requestID: id)
                } else {
                    out += Frame.encode(PingMessage(payload: []), requestID: id)
                }
            }
            if !b.silent, !out.isEmpty { _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            if count >= b.closeAfterAnswering { return }
        }
    }
}
