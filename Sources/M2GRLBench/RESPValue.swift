/// One RESP2 value (the Redis serialization protocol, version 2), as the benchmark's Redis
/// client reads it. Bulk strings stay bytes: vector blobs and keys are not necessarily UTF-8.
public enum RESPValue: Sendable, Equatable {
    /// `+OK\r\n`
    case simpleString(String)
    /// `-ERR message\r\n`
    case error(String)
    /// `:42\r\n`
    case integer(Int64)
    /// `$3\r\nfoo\r\n`, or `$-1\r\n` (nil).
    case bulkString([UInt8]?)
    /// `*2\r\n…`, or `*-1\r\n` (nil).
    case array([RESPValue]?)

    /// The bytes of a bulk or simple string as UTF-8 text (invalid sequences repaired), else nil.
    public var text: String? {
        switch self {
        case .simpleString(let s): return s
        case .bulkString(let bytes?): return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The value as an integer: an integer reply, or a string holding a decimal integer.
    public var integerValue: Int64? {
        if case .integer(let v) = self { return v }
        return text.flatMap { Int64($0) }
    }

    /// True for an error reply.
    public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// The wire encoding of this value (the client only sends arrays of bulk strings, see
    /// `RESPEncoder.command`; this is for tests and completeness).
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    func append(to out: inout [UInt8]) {
        switch self {
        case .simpleString(let s): out.append(UInt8(ascii: "+")); out += Array(s.utf8); out += RESPEncoder.crlf
        case .error(let s): out.append(UInt8(ascii: "-")); out += Array(s.utf8); out += RESPEncoder.crlf
        case .integer(let v): out.append(UInt8(ascii: ":")); out += Array(String(v).utf8); out += RESPEncoder.crlf
        case .bulkString(nil): out += Array("$-1\r\n".utf8)
        case .bulkString(let bytes?): RESPEncoder.appendBulk(bytes, to: &out)
        case .array(nil): out += Array("*-1\r\n".utf8)
        case .array(let items?):
            out.append(UInt8(ascii: "*")); out += Array(String(items.count).utf8); out += RESPEncoder.crlf
            for item in items { item.append(to: &out) }
        }
    }
}

/// Encodes client commands: a RESP array of bulk strings, the only form Redis requires.
public enum RESPEncoder {
    static let crlf: [UInt8] = [13, 10]

    /// `*N\r\n` then `$len\r\nbytes\r\n` per argument.
    public static func command(_ arguments: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + arguments.reduce(0) { $0 + $1.count + 16 })
        out.append(UInt8(ascii: "*"))
        out += Array(String(arguments.count).utf8)
        out += crlf
        for argument in arguments { appendBulk(argument, to: &out) }
        return out
    }

    /// A command of text arguments.
    public static func command(_ arguments: [String]) -> [UInt8] { command(arguments.map { Array($0.utf8) }) }

    static func appendBulk(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "$"))
        out += Array(String(bytes.count).utf8)
        out += crlf
        out += bytes
        out += crlf
    }
}
