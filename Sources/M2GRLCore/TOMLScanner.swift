/// Byte-level scanner for one TOML line (used by `TOMLDocument`).
struct TOMLScanner {
    let bytes: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) {
        var b = bytes
        if b.last == UInt8(ascii: "\r") { b.removeLast() }
        self.bytes = b
    }

    var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
    var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }
    mutating func advance() { i += 1 }

    mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x09 { i += 1 }
    }

    mutating func consume(_ c: UInt8) -> Bool {
        guard peek == c else { return false }
        i += 1
        return true
    }

    static func isBare(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
    }

    /// A possibly dotted key; nil if none starts here.
    mutating func key(_ fail: (String) -> CoreError) throws -> String? {
        var parts: [String] = []
        while true {
            skipSpace()
            if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") {
                guard case .string(let s) = try value(fail) else { return nil }
                parts.append(s)
            } else {
                let start = i
                while let c = peek, Self.isBare(c) { i += 1 }
                guard i > start else {
                    if parts.isEmpty { return nil }
                    throw fail("empty key segment")
                }
                parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            }
            skipSpace()
            if !consume(UInt8(ascii: ".")) { break }
        }
        return parts.joined(separator: ".")
    }

    mutating func value(_ fail: (String) -> CoreError) throws -> TOMLDocument.Value {
        guard let c = peek else { throw fail("missing value") }
        switch c {
        case UInt8(ascii: "\""):
            i += 1
            var out: [UInt8] = []
            while let ch = peek {
                i += 1
                if ch == UInt8(ascii: "\"") { return .string(String(decoding: out, as: UTF8.self)) }
                if ch == UInt8(ascii: "\\") {
                    guard let e = peek else { break }
                    i += 1
                    switch e {
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                    default: throw fail("unsupported escape \\\(Character(Unicode.Scalar(e)))")
                    }
                } else {
                    out.append(ch)
                }
            }
            throw fail("unterminated string")
        case UInt8(ascii: "'"):
            i += 1
            let start = i
            while let ch = peek, ch != UInt8(ascii: "'") { i += 1 }
            guard consume(UInt8(ascii: "'")) else { throw fail("unterminated string") }
            return .string(String(decoding: bytes[start..<(i - 1)], as: UTF8.self))
        case UInt8(ascii: "["):
            i += 1
            var items: [TOMLDocument.Value] = []
            while true {
                skipSpace()
                if consume(UInt8(ascii: "]")) { return .array(items) }
                if peek == nil { throw fail("unterminated array (multi-line arrays are not supported)") }
                items.append(try value(fail))
                skipSpace()
                if consume(UInt8(ascii: ",")) { continue }
                guard consume(UInt8(ascii: "]")) else { throw fail("expected ',' or ']' in array") }
                return .array(items)
            }
        case UInt8(ascii: "{"):
            throw fail("inline tables are not supported")
        default:
            let start = i
            while let ch = peek, ch != 0x20, ch != 0x09, ch != UInt8(ascii: ","), ch != UInt8(ascii: "]"), ch != UInt8(ascii: "#") { i += 1 }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            let digits = word.replacingOccurrences(of: "_", with: "")
            if let v = Int(digits) { return .integer(v) }
            if digits.contains(where: { ".eE".contains($0) }) || ["inf", "+inf", "-inf", "nan"].contains(digits),
               let d = Double(digits) { return .float(d) }
            throw fail("cannot read value '\(word)'")
        }
    }
}
