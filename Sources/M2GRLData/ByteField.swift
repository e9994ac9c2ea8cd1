/// A view of a few bytes inside a read buffer: one field of a log line. Valid only while the
/// buffer it points into is alive (during one line callback).
struct ByteField {
    let start: UnsafePointer<UInt8>
    let count: Int

    @inline(__always)
    init(start: UnsafePointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have a nil base; point at a static byte instead.
        self.start = buffer.baseAddress ?? ByteField.emptyBase
        self.count = buffer.count
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    subscript(i: Int) -> UInt8 { start[i] }

    /// The bytes as a `String` (callers validate UTF-8 first).
    var string: String {
        String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// The field without leading and trailing spaces.
    var trimmed: ByteField {
        var lo = 0
        var hi = count
        while lo < hi && (start[lo] == 0x20 || start[lo] == 0x09) { lo += 1 }
        while hi > lo && (start[hi - 1] == 0x20 || start[hi - 1] == 0x09) { hi -= 1 }
        return ByteField(start: start + lo, count: hi - lo)
    }

    nonisolated(unsafe) private static let emptyBase: UnsafePointer<UInt8> = {
        // One static, never-freed byte; read-only after initialisation, so sharing it is safe.
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()
}
