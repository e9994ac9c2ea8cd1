/// A parser for the small TOML subset the export configuration uses:
/// `# comments`, `[table]` / `[table.sub]` headers, and `key = value` lines whose
/// value is a basic "string", an integer, a float or a boolean.
///
/// Keys come back flattened with their table path: `[views.item]` + `factory = "HNSW32"`
/// gives `"views.item.factory"`.
enum TOMLSubset {
    /// A parsed scalar.
    enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
    }

    /// Parses `text` into flattened key → value pairs.
    static func parse(_ text: String, source: String = "config") throws(SnapshotError) -> [String: Value] {
        var out: [String: Value] = [:]
        var prefix = ""
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw)).trimmingSpaces
            if line.isEmpty { continue }
            let at = "\(source):\(n + 1)"
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw SnapshotError(.invalidConfiguration, "\(at): malformed table header '\(line)'")
                }
                let name = String(line.dropFirst().dropLast()).trimmingSpaces
                guard !name.isEmpty, name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isBareKey($0) }) else {
                    throw SnapshotError(.invalidConfiguration, "\(at): bad table name '\(name)'")
                }
                prefix = name + "."
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw SnapshotError(.invalidConfiguration, "\(at): expected key = value")
            }
            let key = String(line[..<eq]).trimmingSpaces
            guard isBareKey(Substring(key)) else { throw SnapshotError(.invalidConfiguration, "\(at): bad key '\(key)'") }
            let full = prefix + key
            guard out[full] == nil else { throw SnapshotError(.invalidConfiguration, "\(at): duplicate key '\(full)'") }
            out[full] = try value(String(line[line.index(after: eq)...]).trimmingSpaces, at: at)
        }
        return out
    }

    private static func value(_ s: String, at: String) throws(SnapshotError) -> Value {
        if s.hasPrefix("\"") {
            guard s.count >= 2, s.hasSuffix("\""), !s.dropFirst().dropLast().contains("\"") else {
                throw SnapshotError(.invalidConfiguration, "\(at): unterminated string \(s)")
            }
            return .string(String(s.dropFirst().dropLast()))
        }
        if s == "true" { return .bool(true) }
        if s == "false" { return .bool(false) }
        let digits = s.replacingUnderscores
        if let i = Int(digits) { return .integer(i) }
        if let d = Double(digits), d.isFinite { return .float(d) }
        throw SnapshotError(.invalidConfiguration, "\(at): unsupported value '\(s)'")
    }

    private static func stripComment(_ line: String) -> String {
        var inString = false
        for (i, c) in zip(line.indices, line) {
            if c == "\"" { inString.toggle() }
            if c == "#", !inString { return String(line[..<i]) }
        }
        return line
    }

    private static func isBareKey(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    fileprivate var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
