/// Reads little-endian primitives from a byte buffer, throwing `malformedBody` on any shortfall.
///
/// Every length read from the wire is checked against the bytes that remain *before* anything is
/// allocated, so a hostile count cannot make the reader allocate more than the frame holds.
public struct ByteReader {
    public let bytes: ArraySlice<UInt8>
    /// The absolute index of the next byte to read.
    public private(set) var index: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    public init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    /// Bytes not yet read.
    public var remaining: Int { bytes.endIndex - index }

    public mutating func readU8() throws(WireProtocolError) -> UInt8 {
        try need(1, "u8")
        defer { index += 1 }
        return bytes[index]
    }

    public mutating func readU16() throws(WireProtocolError) -> UInt16 { try readInteger(UInt16.self) }
    public mutating func readU32() throws(WireProtocolError) -> UInt32 { try readInteger(UInt32.self) }
    public mutating func readU64() throws(WireProtocolError) -> UInt64 { try readInteger(UInt64.self) }
    public mutating func readI64() throws(WireProtocolError) -> Int64 { try readInteger(Int64.self) }
    public mutating func readFloat() throws(WireProtocolError) -> Float { Float(bitPattern: try readU32()) }

    /// Reads a `u16`-prefixed UTF-8 string; invalid UTF-8 is malformed.
    public mutating func readString() throws(WireProtocolError) -> String {
        let count = Int(try readU16())
        try need(count, "string")
        let slice = bytes[index..<(index + count)]
        index += count
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw WireProtocolError(.malformedBody, "string is not valid UTF-8")
        }
        return string
    }

    /// Reads `count` little-endian `Int64` values.
    public mutating func readInt64s(count: Int) throws(WireProtocolError) -> [Int64] {
        var result: [Int64] = try readArray(count: count, what: "i64 array")
        #if _endian(big)
        for i in result.indices { result[i] = Int64(littleEndian: result[i]) }
        #endif
        return result
    }

    /// Reads `count` little-endian `Float` values.
    public mutating func readFloats(count: Int) throws(WireProtocolError) -> [Float] {
        var result: [Float] = try readArray(count: count, what: "f32 array")
        #if _endian(big)
        for i in result.indices { result[i] = Float(bitPattern: UInt32(littleEndian: result[i].bitPattern)) }
        #endif
        return result
    }

    /// Copies `count` fixed-size values out of the buffer (byte order fixed by the callers).
    private mutating func readArray<T: FixedWidthNumericValue>(count: Int, what: String) throws(WireProtocolError) -> [T] {
        let size = MemoryLayout<T>.size
        try need(count, elementSize: size, what)
        var result = [T](repeating: .zero, count: count)
        result.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in
                let start = index - bytes.startIndex
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + count * size)]))
            }
        }
        index += count * size
        return result
    }

    /// Reads all remaining bytes.
    public mutating func readRest() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    /// Throws `malformedBody` unless every byte was consumed (request bodies are exact in v1).
    public func expectEnd(_ what: String) throws(WireProtocolError) {
        guard remaining == 0 else {
            throw WireProtocolError(.malformedBody, "\(remaining) unexpected trailing bytes in \(what)")
        }
    }

    private func need(_ count: Int, elementSize: Int = 1, _ what: String) throws(WireProtocolError) {
        let (total, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard count >= 0, !overflow, total <= remaining else {
            throw WireProtocolError(.malformedBody, "truncated \(what): needs \(count)×\(elementSize) bytes, \(remaining) left")
        }
    }

    @inline(__always)
    private mutating func readInteger<T: FixedWidthInteger>(_: T.Type) throws(WireProtocolError) -> T {
        let size = MemoryLayout<T>.size
        try need(size, "\(T.self)")
        var value: T = 0
        for i in 0..<size { value |= T(truncatingIfNeeded: bytes[index + i]) << (8 * i) }
        index += size
        return value
    }
}

/// The element types `ByteReader` copies in bulk.
protocol FixedWidthNumericValue: Numeric, BitwiseCopyable {}
extension Int64: FixedWidthNumericValue {}
extension Float: FixedWidthNumericValue {}
