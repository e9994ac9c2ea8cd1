/// Formats synthetic events into a byte buffer without `String` interpolation.
struct TSVByteWriter {
    let stream: OutputByteStream
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0

    init(stream: OutputByteStream) {
        self.stream = stream
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    var pending: Int { buffer.count }

    mutating func appendLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
    }

    @inline(__always)
    mutating func appendEvent(user: Int, item: Int, time: Int64, dwell: Int, category: Int, shop: Int, appSession: Int?) {
        buffer.append(UInt8(ascii: "u")); appendNumber(user); buffer.append(0x09)
        buffer.append(UInt8(ascii: "i")); appendNumber(item); buffer.append(0x09)
        appendNumber(Int(time)); buffer.append(0x09)
        appendNumber(dwell); buffer.append(0x09)
        buffer.append(UInt8(ascii: "c")); appendNumber(category); buffer.append(0x09)
        buffer.append(UInt8(ascii: "s")); appendNumber(shop)
        if let appSession { buffer.append(0x09); buffer.append(UInt8(ascii: "a")); appendNumber(appSession) }
        buffer.append(0x0A)
    }

    @inline(__always)
    private mutating func appendNumber(_ value: Int) {
        var v = value
        if v < 0 { buffer.append(UInt8(ascii: "-")); v = -v }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0
            while n > 0 {
                n -= 1
                buffer.append(d[n])
            }
        }
    }

    mutating func flush() throws {
        try buffer.withUnsafeBytes { try stream.write($0) }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }
}
