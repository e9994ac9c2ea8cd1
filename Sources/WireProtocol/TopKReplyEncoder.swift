/// Writes a TOPK reply frame (header and body, no names) into caller-owned memory, so a server can
/// answer from reused buffers without building `TopKReply` values. The bytes are exactly those of
/// `Frame.encode(TopKReply(...), requestID:)` (tests compare the two).
///
/// ```swift
/// var encoder = TopKReplyEncoder(buffer: raw, requestID: id, queryCount: 2)
/// encoder.appendResult(count: n) { i in (ids[i], scores[i]) }   // once per query, in order
/// let frame = encoder.finish()                                     // the bytes to send
/// ```
public struct TopKReplyEncoder {
    private let buffer: UnsafeMutableRawBufferPointer
    private var offset: Int

    /// Bytes needed for `queryCount` results of at most `k` items each.
    public static func capacity(queryCount: Int, k: Int) -> Int { FrameHeader.size + 4 + queryCount * (4 + 12 * k) }

    /// Starts a reply; `buffer` must hold `capacity(queryCount:k:)` bytes.
    public init(buffer: UnsafeMutableRawBufferPointer, requestID: UInt64, queryCount: Int) {
        self.buffer = buffer
        offset = 0
        put(UInt32(0x5247_324D))  // "M2GR"
        put(FrameHeader.currentVersion)
        put(MessageType.topK.reply.rawValue)
        put(UInt16(0))
        put(requestID)
        put(UInt32(0))  // body length, patched by `finish`
        put(UInt32(queryCount))
    }

    /// Appends one query's result list: `count` (id, score) pairs, best first, from `pair`.
    public mutating func appendResult(count: Int, _ pair: (Int) -> (Int64, Float)) {
        put(UInt32(count))
        for i in 0..<count { put(UInt64(bitPattern: pair(i).0)) }
        for i in 0..<count { put(pair(i).1.bitPattern) }
    }

    /// Patches the body length and returns the frame's bytes.
    public mutating func finish() -> UnsafeRawBufferPointer {
        buffer.storeBytes(of: UInt32(offset - FrameHeader.size).littleEndian, toByteOffset: 16, as: UInt32.self)
        return UnsafeRawBufferPointer(rebasing: buffer[0..<offset])
    }

    @inline(__always)
    private mutating func put<T: FixedWidthInteger>(_ value: T) {
        buffer.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }
}
