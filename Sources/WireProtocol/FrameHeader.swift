/// The fixed 20-byte header in front of every frame.
///
/// ```
/// offset size field
///      0    4 magic        "M2GR" (0x4D 0x32 0x47 0x52)
///      4    1 version      protocol version of this frame (1)
///      5    1 type         MessageType
///      6    2 flags        u16 LE, meaning per message type
///      8    8 request id   u64 LE, chosen by the client, echoed in the reply
///     16    4 body length  u32 LE, bytes after the header
/// ```
public struct FrameHeader: Hashable, Sendable {
    /// Size of the encoded header in bytes.
    public static let size = 20
    /// The four magic bytes, `M2GR`.
    public static let magic: [UInt8] = [0x4D, 0x32, 0x47, 0x52]
    /// The only version this implementation speaks.
    public static let currentVersion: UInt8 = 1

    public var version: UInt8
    public var type: MessageType
    public var flags: FrameFlags
    public var requestID: UInt64
    public var bodyLength: UInt32

    public init(version: UInt8 = FrameHeader.currentVersion, type: MessageType, flags: FrameFlags = [],
                requestID: UInt64, bodyLength: UInt32) {
        self.version = version
        self.type = type
        self.flags = flags
        self.requestID = requestID
        self.bodyLength = bodyLength
    }

    /// Appends the 20 header bytes.
    public func encode(into writer: inout ByteWriter) {
        writer.write(bytes: FrameHeader.magic)
        writer.write(version)
        writer.write(type.rawValue)
        writer.write(flags.rawValue)
        writer.write(requestID)
        writer.write(bodyLength)
    }

    /// Parses a header from exactly `FrameHeader.size` bytes without judging version or length.
    /// Throws `badMagic` if the magic is wrong.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireProtocolError) -> FrameHeader {
        try bytes.withUnsafeBytes { raw in Result { () throws(WireProtocolError) in try parse(raw: raw) } }.get()
    }

    /// Parses a header from the first `FrameHeader.size` bytes of `raw` (unaligned is fine), like
    /// `parse(_:)` but straight from memory: no copy, no allocation.
    public static func parse(raw: UnsafeRawBufferPointer) throws(WireProtocolError) -> FrameHeader {
        guard raw.count >= size else {
            throw WireProtocolError(.malformedBody, "truncated header: needs \(size) bytes, \(raw.count) left")
        }
        guard raw[0] == 0x4D, raw[1] == 0x32, raw[2] == 0x47, raw[3] == 0x52 else {
            throw WireProtocolError(.badMagic, "frame does not start with M2GR")
        }
        return FrameHeader(version: raw[4], type: MessageType(rawValue: raw[5]),
                           flags: FrameFlags(rawValue: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 6, as: UInt16.self))),
                           requestID: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                           bodyLength: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
    }
}

/// Per-message flag bits of the header. Receivers ignore bits they do not know.
public struct FrameFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// TOPK request: also return each result's external id and display name. The reply sets the
    /// same bit when it carries them.
    public static let includeNames = FrameFlags(rawValue: 1 << 0)
    /// TOPK request by item ids: drop each query item from its own results.
    public static let excludeQueryItems = FrameFlags(rawValue: 1 << 1)
}
