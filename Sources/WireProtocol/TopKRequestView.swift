/// A TOPK request body parsed in place: the fields point into the frame's bytes, nothing is copied
/// or allocated. Accepts exactly the bodies `TopKRequest(from:)` accepts (same checks, strict end),
/// so a server can take this fast path and fall back to `TopKRequest` for its error messages.
///
/// Arrays on the wire are little-endian and may be unaligned: read them with `queryID(_:)`,
/// `queryValue(_:)` and `excludedID(_:)`.
public struct TopKRequestView {
    /// The view name's UTF-8 bytes (validated, like `TopKRequest`'s).
    public let viewName: UnsafeRawBufferPointer
    public let k: UInt32
    /// Whether the queries are item ids (else vectors).
    public let byID: Bool
    /// Number of queries.
    public let count: Int
    /// Floats per query vector; 0 for id queries.
    public let dimension: Int
    /// The ids (`count` × 8 bytes) or vectors (`count × dimension` × 4 bytes).
    public let payload: UnsafeRawBufferPointer
    /// The exclude list (`excludeCount` × 8 bytes).
    public let exclude: UnsafeRawBufferPointer

    /// Number of excluded ids.
    public var excludeCount: Int { exclude.count / 8 }

    /// Parses `body`; throws `malformedBody` where `TopKRequest(from:)` would.
    public init(body: UnsafeRawBufferPointer) throws(WireProtocolError) {
        var cursor = Cursor(body: body)
        let nameLength = Int(UInt16(littleEndian: try cursor.take(2, "UInt16").loadUnaligned(as: UInt16.self)))
        viewName = try cursor.take(nameLength, "string")
        // Validated without building a String (no allocation), so this accepts exactly what
        // `ByteReader.readString` accepts.
        let invalid = transcode(viewName.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) { _ in }
        guard !invalid else { throw WireProtocolError(.malformedBody, "string is not valid UTF-8") }
        k = try cursor.u32()
        let kind = try cursor.take(1, "u8")[0]
        count = Int(try cursor.u32())
        switch kind {
        case TopKQueries.idsKind:
            byID = true
            dimension = 0
            payload = try cursor.array(count, 8, "i64 array")
        case TopKQueries.vectorsKind:
            byID = false
            dimension = Int(try cursor.u32())
            guard dimension > 0 else { throw WireProtocolError(.malformedBody, "vector dimension is 0") }
            let (total, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw WireProtocolError(.malformedBody, "vector count overflows") }
            payload = try cursor.array(total, 4, "f32 array")
        default:
            throw WireProtocolError(.malformedBody, "unknown query kind \(kind)")
        }
        exclude = try cursor.array(Int(try cursor.u32()), 8, "i64 array")
        guard cursor.offset == body.count else {
            throw WireProtocolError(.malformedBody, "\(body.count - cursor.offset) unexpected trailing bytes in \(MessageType.topK.name)")
        }
    }

    /// Reads forward through a body; every length is checked against what remains.
    private struct Cursor {
        let body: UnsafeRawBufferPointer
        var offset = 0

        mutating func take(_ n: Int, _ what: StaticString) throws(WireProtocolError) -> UnsafeRawBufferPointer {
            guard n >= 0, n <= body.count - offset else {
                throw WireProtocolError(.malformedBody, "truncated \(what): needs \(n) bytes, \(body.count - offset) left")
            }
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: body[offset..<(offset + n)])
        }

        mutating func u32() throws(WireProtocolError) -> UInt32 {
            UInt32(littleEndian: try take(4, "UInt32").loadUnaligned(as: UInt32.self))
        }

        mutating func array(_ count: Int, _ size: Int, _ what: StaticString) throws(WireProtocolError) -> UnsafeRawBufferPointer {
            let (total, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw WireProtocolError(.malformedBody, "truncated \(what)") }
            return try take(total, what)
        }
    }

    /// Query id `i` (id queries).
    @inline(__always)
    public func queryID(_ i: Int) -> Int64 { Int64(littleEndian: payload.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }

    /// Float `i` of the row-major query vectors (vector queries).
    @inline(__always)
    public func queryValue(_ i: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
    }

    /// Excluded id `i`.
    @inline(__always)
    public func excludedID(_ i: Int) -> Int64 { Int64(littleEndian: exclude.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }

    /// The equivalent owned request (copies).
    public var request: TopKRequest {
        let name = String(decoding: viewName, as: UTF8.self)
        let queries: TopKQueries = byID ? .ids((0..<count).map(queryID))
            : .vectors(dimension: dimension, values: (0..<(count * dimension)).map(queryValue))
        return TopKRequest(view: name, k: k, queries: queries, exclude: (0..<excludeCount).map(excludedID))
    }
}
