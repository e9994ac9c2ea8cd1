import WireProtocol

/// One open connection of an `RPCClient`: the socket, the frame decoder and replies that arrived
/// for other request ids (pipelining). Used under the client's lock.
struct ClientConnection {
    let socket: ClientSocket
    private var decoder = FrameDecoder(maximumBodyLength: 1 << 30)
    private var stash: [UInt64: Frame] = [:]
    private var lastID: UInt64 = 0
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(socket: ClientSocket) { self.socket = socket }

    mutating func nextRequestID() -> UInt64 {
        lastID &+= 1
        return lastID
    }

    func write(_ bytes: [UInt8], deadline: Double) throws(RPCClientError) {
        var failure: RPCClientError?
        bytes.withUnsafeBytes { raw in
            do throws(RPCClientError) { try socket.sendAll(raw, deadline: deadline) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Reads until the reply to `requestID` arrives. Frames of unknown types are skipped; an error
    /// frame with request id 0 (not tied to a request) is thrown.
    mutating func receive(requestID: UInt64, deadline: Double) throws(RPCClientError) -> Frame {
        while true {
            if let frame = stash.removeValue(forKey: requestID) { return frame }
            var received: Result<Int, RPCClientError> = .success(0)
            buffer.withUnsafeMutableBytes { raw in
                do throws(RPCClientError) { received = .success(try socket.receive(into: raw, deadline: deadline)) } catch { received = .failure(error) }
            }
            let count = try received.get()
            buffer.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            while true {
                let next: Frame?
                do { next = try decoder.next() } catch {
                    throw RPCClientError(.protocolViolation, "server sent an unreadable frame: \(error)")
                }
                guard let frame = next else { break }
                if frame.header.type == .error && frame.header.requestID == 0 {
                    let reply = (try? frame.decode(ErrorReply.self)) ?? ErrorReply(code: .internalError, message: "unreadable error")
                    throw RPCClientError(server: reply)
                }
                guard frame.header.type.isReply else { continue } // not for a client: skip
                stash[frame.header.requestID] = frame
            }
        }
    }
}
