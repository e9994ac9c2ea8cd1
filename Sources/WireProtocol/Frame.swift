/// A complete frame: header and body bytes.
public struct Frame: Sendable, Equatable {
    public var header: FrameHeader
    public var body: [UInt8]

    public init(header: FrameHeader, body: [UInt8]) {
        self.header = header
        self.body = body
    }

    /// A frame whose header's `bodyLength` matches `body`.
    public init(type: MessageType, flags: FrameFlags = [], requestID: UInt64, body: [UInt8] = []) {
        self.header = FrameHeader(type: type, flags: flags, requestID: requestID, bodyLength: UInt32(body.count))
        self.body = body
    }

    /// A frame carrying `message`.
    public init<M: WireMessage>(_ message: M, flags: FrameFlags = [], requestID: UInt64) {
        var writer = ByteWriter(reservingCapacity: 64)
        message.encode(into: &writer)
        self.init(type: M.messageType, flags: flags, requestID: requestID, body: writer.bytes)
    }

    /// Header followed by body.
    public var bytes: [UInt8] {
        var writer = ByteWriter(reservingCapacity: FrameHeader.size + body.count)
        header.encode(into: &writer)
        writer.write(bytes: body)
        return writer.bytes
    }

    /// Encodes a message directly into wire bytes (header and body) with a single buffer.
    public static func encode<M: WireMessage>(_ message: M, flags: FrameFlags = [], requestID: UInt64,
                                              capacity: Int = 64) -> [UInt8] {
        var writer = ByteWriter(reservingCapacity: FrameHeader.size + capacity)
        FrameHeader(type: M.messageType, flags: flags, requestID: requestID, bodyLength: 0).encode(into: &writer)
        message.encode(into: &writer)
        writer.patch(UInt32(writer.bytes.count - FrameHeader.size), at: 16)
        return writer.bytes
    }

    /// Decodes the body as `M`; throws `malformedBody` if the type differs or the body does not parse.
    public func decode<M: WireMessage>(_: M.Type) throws(WireProtocolError) -> M {
        guard header.type == M.messageType else {
            throw WireProtocolError(.malformedBody, "expected \(M.messageType.name), got \(header.type.name)")
        }
        var reader = ByteReader(body)
        let message = try M(from: &reader)
        if M.isStrict { try reader.expectEnd(M.messageType.name) }
        return message
    }
}

/// A message body with a fixed message type.
public protocol WireMessage: Sendable {
    /// The header type byte of frames carrying this message.
    static var messageType: MessageType { get }
    /// Whether trailing bytes after the known fields are malformed (requests) or ignored (replies,
    /// so that later versions may append fields without breaking older clients).
    static var isStrict: Bool { get }
    init(from reader: inout ByteReader) throws(WireProtocolError)
    func encode(into writer: inout ByteWriter)
}

extension WireMessage {
    public static var isStrict: Bool { !messageType.isReply }
}
