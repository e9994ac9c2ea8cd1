/// Splits a log line on tabs eight bytes at a time (SWAR), noting on the way whether it is
/// pure ASCII (then valid UTF-8 without a separate pass).
enum TabSplitter {
    struct Result {
        /// Fields stored (at most `columnCount`).
        var fieldCount: Int
        /// More tabs than `columnCount - 1` (the line has too many fields).
        var tooMany: Bool
        /// Every byte is < 0x80 (only meaningful when `tooMany` is false).
        var ascii: Bool
    }

    /// Stores the fields of `line` in `fields[0..<columnCount]`.
    @inline(__always)
    static func split(_ line: ByteField, into fields: UnsafeMutablePointer<ByteField>, columnCount: Int) -> Result {
        let bytes = line.start
        let count = line.count
        let raw = UnsafeRawPointer(bytes)
        var fieldCount = 0
        var fieldStart = 0
        var high: UInt64 = 0
        var i = 0
        let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while i + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            high |= word
            let x = word ^ 0x0909_0909_0909_0909  // tab bytes become zero
            // Exact zero-byte mask: the high bit of each byte that is zero (no borrow across bytes).
            var tabs = ~(((x & lows) &+ lows) | x | lows)
            while tabs != 0 {
                let at = i + tabs.trailingZeroBitCount >> 3
                if fieldCount == columnCount - 1 { return Result(fieldCount: fieldCount, tooMany: true, ascii: false) }
                fields[fieldCount] = ByteField(start: bytes + fieldStart, count: at - fieldStart)
                fieldCount += 1
                fieldStart = at + 1
                tabs &= tabs &- 1
            }
            i += 8
        }
        while i < count {
            let b = bytes[i]
            high |= UInt64(b)
            if b == 0x09 {
                if fieldCount == columnCount - 1 { return Result(fieldCount: fieldCount, tooMany: true, ascii: false) }
                fields[fieldCount] = ByteField(start: bytes + fieldStart, count: i - fieldStart)
                fieldCount += 1
                fieldStart = i + 1
            }
            i += 1
        }
        fields[fieldCount] = ByteField(start: bytes + fieldStart, count: count - fieldStart)
        return Result(fieldCount: fieldCount + 1, tooMany: false, ascii: high & 0x8080_8080_8080_8080 == 0)
    }
}
