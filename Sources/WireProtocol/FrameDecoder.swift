/// An incremental frame decoder, in the spirit of swift-nio's `ByteToMessageDecoder`.
///
/// Feed it bytes as they arrive in any chunking (one byte at a time, many frames at once) and pull
/// complete frames with `next()`. It validates each header as soon as its bytes are present — magic
/// byte by byte, then version, then the announced body length against `maximumBodyLength` — and
/// never allocates for a body before its bytes arrive, so a hostile length prefix costs nothing.
/// After the first error the decoder stays failed: the stream has lost framing.
public struct FrameDecoder: Sendable {
    /// The largest body accepted, in bytes.
    public let maximumBodyLength: Int
    /// The protocol versions accepted in headers.
    public let acceptedVersions: ClosedRange<UInt8>

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: WireProtocolError?

    public init(maximumBodyLength: Int, acceptedVersions: ClosedRange<UInt8> = 1...1) {
        self.maximumBodyLength = maximumBodyLength
        self.acceptedVersions = acceptedVersions
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }
    /// Whether a frame has started (some of its bytes arrived) and is not complete.
    public var hasPartialFrame: Bool { bufferedByteCount > 0 }

    /// Appends received bytes. Never allocates more than the bytes given plus what is buffered.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard failure == nil, !bytes.isEmpty else { return }
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, `nil` if more bytes are needed, or a framing error
    /// (`badMagic`, `unsupportedVersion`, `frameTooLarge`) — then the stream is unusable.
    public mutating func next() throws(WireProtocolError) -> Frame? {
        if let failure { throw failure }
        do {
            return try decodeOne()
        } catch {
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }
    }

    /// The header of the frame being received, if its 20 bytes are buffered and valid.
    public func peekHeader() -> FrameHeader? {
        guard bufferedByteCount >= FrameHeader.size else { return nil }
        return try? FrameHeader.parse(buffer[readIndex..<(readIndex + FrameHeader.size)])
    }

    /// The header of the next frame once the frame is complete (every body byte buffered), `nil`
    /// if more bytes are needed, or the framing error `next()` would throw (then the stream is
    /// unusable). Consumes nothing: follow with `takeFrame(header)`, or with `withFrontFrame(of:)`
    /// and `skipFrame(header)`.
    public mutating func nextCompleteHeader() throws(WireProtocolError) -> FrameHeader? {
        if let failure { throw failure }
        do {
            return try completeHeader()
        } catch {
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }
    }

    /// Lends the body bytes of the complete frame at the front (straight from the receive buffer,
    /// no copy) to `body`. Precondition: `nextCompleteHeader()` just returned `header`.
    public func withFrontFrame<R>(of header: FrameHeader, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { raw in
            let start = readIndex + FrameHeader.size
            return try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + Int(header.bodyLength))]))
        }
    }

    /// Drops the complete frame at the front. Precondition: `nextCompleteHeader()` returned `header`.
    public mutating func skipFrame(_ header: FrameHeader) {
        consume(FrameHeader.size + Int(header.bodyLength))
    }

    /// Removes and returns the complete frame at the front (its body copied out).
    /// Precondition: `nextCompleteHeader()` just returned `header`.
    public mutating func takeFrame(_ header: FrameHeader) -> Frame {
        let start = readIndex + FrameHeader.size
        let body = Array(buffer[start..<(start + Int(header.bodyLength))])
        consume(FrameHeader.size + body.count)
        return Frame(header: header, body: body)
    }

    private mutating func decodeOne() throws(WireProtocolError) -> Frame? {
        guard let header = try completeHeader() else { return nil }
        return takeFrame(header)
    }

    private mutating func completeHeader() throws(WireProtocolError) -> FrameHeader? {
        let available = bufferedByteCount
        guard available > 0 else { return nil }
        // Reject a bad magic as soon as its first wrong byte arrives.
        for i in 0..<min(4, available) where buffer[readIndex + i] != FrameHeader.magic[i] {
            throw WireProtocolError(.badMagic, "frame does not start with M2GR")
        }
        if available >= 5, !acceptedVersions.contains(buffer[readIndex + 4]) {
            throw WireProtocolError(.unsupportedVersion,
                                    "protocol version \(buffer[readIndex + 4]) not supported (speaks \(acceptedVersions.lowerBound)...\(acceptedVersions.upperBound))")
        }
        guard available >= FrameHeader.size else { return nil }
        let start = readIndex
        let header = try buffer.withUnsafeBytes { raw in
            Result { () throws(WireProtocolError) in
                try FrameHeader.parse(raw: UnsafeRawBufferPointer(rebasing: raw[start..<(start + FrameHeader.size)]))
            }
        }.get()
        let bodyLength = Int(header.bodyLength)
        guard bodyLength <= maximumBodyLength else {
            throw WireProtocolError(.frameTooLarge, "body of \(bodyLength) bytes exceeds the limit of \(maximumBodyLength)")
        }
        // No reservation for the announced body: memory grows with the bytes that actually
        // arrive, so many connections announcing big frames and stalling cost little.
        guard available >= FrameHeader.size + bodyLength else { return nil }
        return header
    }

    private mutating func consume(_ count: Int) {
        readIndex += count
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
            readIndex = 0
        }
    }

    private mutating func compactIfUseful() {
        if readIndex > 0 && (readIndex >= 4096 || readIndex * 2 >= buffer.count) {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
