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
final class FakeFrameServer: Sendable {
    struct Behaviour: Sendable {
        var errorEvery = 0
        var idOffset: UInt64 = 0
        var closeAfter = Int.max
        var silent = false
        /// Close the connection right after answering this many requests.
        var closeAfterAnswering = Int.max
    }

    let listener: LoopbackListener
    var port: Int { listener.port }

    init(_ behaviour: Behaviour = Behaviour()) throws {
        listener = try LoopbackListener { Self.serve($0, behaviour) }
    }

    func stop() { listener.stop() }

    private static func serve(_ fd: Int32, _ b: Behaviour) {
        defer { close(fd) }
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        var count = 0
        LoopbackListener.receiveChunks(fd) { chunk in
            decoder.feed(chunk)
            var out: [UInt8] = []
            while let frame = try? decoder.next() {
                count += 1
                if count > b.closeAfter { return false }
                let id = frame.header.requestID &+ b.idOffset
                if b.errorEvery > 0, count % b.errorEvery == 0 {
                    out += Frame.encode(ErrorReply(code: .badMagic, message: "fake"), requestID: id)
                } else {
                    out += Frame.encode(PingMessage(payload: []), requestID: id)
                }
            }
            if !b.silent, !out.isEmpty { _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
            return count < b.closeAfterAnswering
        }
    }
}
