import WireProtocol

/// A load connection the single-threaded epoll driver can run: it exposes its socket and lets the
/// driver feed received bytes to the connection's own reply decoder, then take complete replies.
protocol PollableConnection: LoadConnection {
    /// The connected socket's descriptor.
    var descriptor: Int32 { get }
    /// Appends the bytes to write for `request` as sequence number `sequence` to `output`.
    func append(_ request: [UInt8], sequence: UInt64, to output: inout [UInt8])
    /// Hands received bytes to the reply decoder.
    func absorb(_ bytes: UnsafeRawBufferPointer)
    /// The next complete reply already received, if any.
    func bufferedReply() throws(BenchError) -> LoadReply?
}

extension BenchConnection: PollableConnection {
    var descriptor: Int32 { socket.fd }

    func append(_ request: [UInt8], sequence: UInt64, to output: inout [UInt8]) {
        let at = output.count
        output += request
        Self.setRequestID(sequence, in: &output, at: at)
    }

    func absorb(_ bytes: UnsafeRawBufferPointer) { decoder.feed(bytes) }

    /// Replies carry the request id they answer.
    func bufferedReply() throws(BenchError) -> LoadReply? {
        let frame: Frame?
        do { frame = try decoder.next() } catch { throw BenchError(.protocolViolation, "unreadable frame: \(error)") }
        return frame.map { LoadReply(sequence: $0.header.requestID, isError: $0.header.type == .error) }
    }
}

extension RESPConnection: PollableConnection {
    var descriptor: Int32 { socket.fd }

    func append(_ request: [UInt8], sequence: UInt64, to output: inout [UInt8]) { output += request }

    func absorb(_ bytes: UnsafeRawBufferPointer) { decoder.feed(bytes) }

    /// RESP replies come back in request order: the n-th reply answers sequence number n.
    func bufferedReply() throws(BenchError) -> LoadReply? {
        let value: RESPValue?
        do { value = try decoder.next() } catch { throw BenchError(.protocolViolation, "unreadable RESP reply: \(error)") }
        guard let value else { return nil }
        received += 1
        return LoadReply(sequence: received, isError: value.isError)
    }
}
