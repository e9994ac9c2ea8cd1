/// Incremental RESP2 reply decoder: feed it whatever `recv` returned, take complete values out.
/// A value split across reads waits until its last byte arrives; nothing is consumed until a
/// whole top-level value is there. Malformed input and sizes over the limits throw `RESPError`
/// (and leave the decoder unusable, as the stream position is then unknown).
public struct RESPDecoder: Sendable {
    /// Largest bulk string accepted, in bytes.
    public let maximumBulkLength: Int
    /// Largest array accepted, in elements.
    public let maximumArrayCount: Int
    /// Deepest nesting of arrays accepted.
    public let maximumDepth: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maximumBulkLength: Int = 64 << 20, maximumArrayCount: Int = 1 << 20, maximumDepth: Int = 16) {
        self.maximumBulkLength = maximumBulkLength
        self.maximumArrayCount = maximumArrayCount
        self.maximumDepth = maximumDepth
    }

    /// Bytes received but not yet returned as a value.
    public var bufferedCount: Int { buffer.count - start }

    /// Appends received bytes.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 4096, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes.
    public mutating func feed(_ bytes: [UInt8]) { bytes.withUnsafeBytes { feed($0) } }

    /// The next complete value, or nil until more bytes arrive.
    public mutating func next() throws(RESPError) -> RESPValue? {
        guard start < buffer.count else { return nil }
        let parsed = try buffer.withUnsafeBufferPointer { (bytes) throws(RESPError) -> (RESPValue, Int)? in
            try Self.parse(bytes, at: start, depth: 0, limits: self)
        }
        guard let (value, end) = parsed else { return nil }
        start = end
        return value
    }

    /// Parses one value starting at `index`; nil when incomplete, else the value and the index after it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, depth: Int,
                      limits: RESPDecoder) throws(RESPError) -> (RESPValue, Int)? {
        guard index < bytes.count else { return nil }
        guard depth <= limits.maximumDepth else { throw RESPError(.tooLarge, "arrays nested deeper than \(limits.maximumDepth)") }
        let type = bytes[index]
        guard let (line, afterLine) = try readLine(bytes, from: index + 1) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            return (.simpleString(String(decoding: line, as: UTF8.self)), afterLine)
        case UInt8(ascii: "-"):
            return (.error(String(decoding: line, as: UTF8.self)), afterLine)
        case UInt8(ascii: ":"):
            return (.integer(try integer(line, what: "integer")), afterLine)
        case UInt8(ascii: "$"):
            let length = try integer(line, what: "bulk length")
            if length == -1 { return (.bulkString(nil), afterLine) }
            guard length >= 0 else { throw RESPError(.malformed, "negative bulk length \(length)") }
            guard length <= limits.maximumBulkLength else {
                throw RESPError(.tooLarge, "bulk string of \(length) bytes (limit \(limits.maximumBulkLength))")
            }
            let end = afterLine + Int(length)
            guard end + 2 <= bytes.count else { return nil }
            guard bytes[end] == 13, bytes[end + 1] == 10 else { throw RESPError(.malformed, "bulk string of \(length) bytes not followed by CRLF") }
            return (.bulkString(Array(bytes[afterLine..<end])), end + 2)
        case UInt8(ascii: "*"):
            let count = try integer(line, what: "array length")
            if count == -1 { return (.array(nil), afterLine) }
            guard count >= 0 else { throw RESPError(.malformed, "negative array length \(count)") }
            guard count <= limits.maximumArrayCount else {
                throw RESPError(.tooLarge, "array of \(count) elements (limit \(limits.maximumArrayCount))")
            }
            var items: [RESPValue] = []
            items.reserveCapacity(Int(min(count, 1024)))
            var position = afterLine
            for _ in 0..<count {
                guard let (item, next) = try parse(bytes, at: position, depth: depth + 1, limits: limits) else { return nil }
                items.append(item)
                position = next
            }
            return (.array(items), position)
        default:
            throw RESPError(.malformed, "unknown type byte 0x\(String(type, radix: 16)) at offset \(index)")
        }
    }

    /// The bytes up to the next CRLF (a bare LF is malformed) and the index after the CRLF; nil when no LF yet.
    static func readLine(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) throws(RESPError) -> (UnsafeBufferPointer<UInt8>, Int)? {
        var i = index
        while i < bytes.count {
            if bytes[i] == 10 {
                guard i > index, bytes[i - 1] == 13 else { throw RESPError(.malformed, "line ends in LF without CR") }
                return (UnsafeBufferPointer(rebasing: bytes[index..<(i - 1)]), i + 1)
            }
            if i - index > 64 * 1024 { throw RESPError(.tooLarge, "line longer than 64 KiB") }
            i += 1
        }
        return nil
    }

    static func integer(_ line: UnsafeBufferPointer<UInt8>, what: String) throws(RESPError) -> Int64 {
        guard let value = Int64(String(decoding: line, as: UTF8.self)) else {
            throw RESPError(.malformed, "\(what) is not a decimal integer: '\(String(decoding: line.prefix(32), as: UTF8.self))'")
        }
        return value
    }
}
