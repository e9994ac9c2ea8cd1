/// Appends little-endian primitives to a growable byte array.
///
/// Every integer and float on the wire is little-endian; strings are a `u16` byte count followed by
/// UTF-8 bytes.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: UInt8) { bytes.append(value) }
    public mutating func write(_ value: UInt16) { appendLittleEndian(value) }
    public mutating func write(_ value: UInt32) { appendLittleEndian(value) }
    public mutating func write(_ value: UInt64) { appendLittleEndian(value) }
    public mutating func write(_ value: Int64) { appendLittleEndian(value) }
    public mutating func write(_ value: Float) { appendLittleEndian(value.bitPattern) }

    /// Writes a `u16` length and the UTF-8 bytes; strings longer than 65,535 bytes are truncated at
    /// a character boundary.
    public mutating func write(_ value: String) {
        var utf8 = Array(value.utf8)
        if utf8.count > Int(UInt16.max) {
            var end = Int(UInt16.max)
            while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
            utf8.removeSubrange(end...)
        }
        write(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Appends raw bytes.
    public mutating func write<Bytes: Sequence>(bytes other: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: other)
    }

    /// Appends an array of `Int64` (no count prefix).
    public mutating func write(int64s values: some Collection<Int64>) {
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for value in values { appendLittleEndian(value) }
    }

    /// Appends an array of `Float` (no count prefix).
    public mutating func write(floats values: some Collection<Float>) {
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values { appendLittleEndian(value.bitPattern) }
    }

    /// Overwrites a previously written `u32` at `offset` (used to patch lengths).
    public mutating func patch(_ value: UInt32, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for i in 0..<4 { bytes[offset + i] = raw[i] }
        }
    }

    @inline(__always)
    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
