/// A parser for the subset of TOML our configuration files use.
///
/// Supported: `# comments`, `[table]` and `[dotted.table]` headers, `key = value`
/// with bare or quoted keys (dotted keys allowed), basic `"strings"` with the
/// usual escapes, literal `'strings'`, integers (with `_` separators), floats,
/// booleans, and single-line arrays of those. Not supported (a clear error):
/// multi-line strings or arrays, inline tables, dates, arrays of tables.
///
/// Values are addressed by their full dotted path: `doc["server.port"]`.
public struct TOMLDocument: Sendable, Equatable {
    /// A TOML value.
    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case string(String), integer(Int), float(Double), bool(Bool), array([Value])

        public var description: String {
            switch self {
            case .string(let s): "\"\(s)\""
            case .integer(let i): "\(i)"
            case .float(let d): "\(d)"
            case .bool(let b): "\(b)"
            case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
            }
        }
    }

    /// All values by full dotted path.
    public private(set) var values: [String: Value] = [:]

    public init() {}

    /// Parses TOML text; throws `CoreError(.config, …)` naming the line on error.
    public init(parsing text: String, source: String = "config") throws {
        var table = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            func fail(_ m: String) -> CoreError { CoreError(.config, "\(source):\(lineNo): \(m)") }
            var scanner = TOMLScanner(Array(raw.utf8))
            scanner.skipSpace()
            if scanner.atEndOrComment { continue }
            if scanner.peek == UInt8(ascii: "[") {
                scanner.advance()
                if scanner.peek == UInt8(ascii: "[") { throw fail("arrays of tables are not supported") }
                guard let key = try scanner.key(fail), scanner.consume(UInt8(ascii: "]")) else { throw fail("bad table header") }
                scanner.skipSpace()
                guard scanner.atEndOrComment else { throw fail("unexpected text after table header") }
                table = key
                continue
            }
            guard let key = try scanner.key(fail) else { throw fail("expected a key") }
            scanner.skipSpace()
            guard scanner.consume(UInt8(ascii: "=")) else { throw fail("expected '=' after key '\(key)'") }
            scanner.skipSpace()
            let value = try scanner.value(fail)
            scanner.skipSpace()
            guard scanner.atEndOrComment else { throw fail("unexpected text after value") }
            let path = table.isEmpty ? key : "\(table).\(key)"
            guard values[path] == nil else { throw fail("duplicate key '\(path)'") }
            values[path] = value
        }
    }

    /// The value at a dotted path.
    public subscript(path: String) -> Value? {
        get { values[path] }
        set { values[path] = newValue }
    }

    /// Keys under a table prefix (e.g. "views" → ["item.factory", ...]), relative to it.
    public func keys(under prefix: String) -> [String] {
        let p = prefix + "."
        return values.keys.filter { $0.hasPrefix(p) }.map { String($0.dropFirst(p.count)) }.sorted()
    }

    /// A string value, or a typed error if present with another type.
    public func string(_ path: String) throws -> String? {
        guard let v = values[path] else { return nil }
        guard case .string(let s) = v else { throw CoreError(.config, "\(path) must be a string, got \(v)") }
        return s
    }

    /// An integer value, or a typed error if present with another type.
    public func integer(_ path: String) throws -> Int? {
        guard let v = values[path] else { return nil }
        guard case .integer(let i) = v else { throw CoreError(.config, "\(path) must be an integer, got \(v)") }
        return i
    }

    /// A number (integer or float), or a typed error if present with another type.
    public func double(_ path: String) throws -> Double? {
        switch values[path] {
        case nil: return nil
        case .integer(let i): return Double(i)
        case .float(let d): return d
        case let v?: throw CoreError(.config, "\(path) must be a number, got \(v)")
        }
    }

    /// A boolean value, or a typed error if present with another type.
    public func bool(_ path: String) throws -> Bool? {
        guard let v = values[path] else { return nil }
        guard case .bool(let b) = v else { throw CoreError(.config, "\(path) must be true or false, got \(v)") }
        return b
    }

    /// An array of strings, or a typed error.
    public func strings(_ path: String) throws -> [String]? {
        guard let v = values[path] else { return nil }
        guard case .array(let a) = v else { throw CoreError(.config, "\(path) must be an array, got \(v)") }
        return try a.map {
            guard case .string(let s) = $0 else { throw CoreError(.config, "\(path) must hold strings") }
            return s
        }
    }
}
