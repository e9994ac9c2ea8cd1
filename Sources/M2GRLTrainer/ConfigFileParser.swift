import Foundation

/// Parses the TOML subset used by `Config/train.toml`: `[section]` headers, `key = value` lines with
/// strings, numbers, booleans and flat arrays, and `#` comments.
///
/// Returns `(section.key, raw value)` pairs in file order; strings keep their quotes.
public enum ConfigFileParser {
    public static func parse(_ text: String) throws -> [(String, String)] {
        var section = ""
        var out: [(String, String)] = []
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw TrainerError(.invalidConfiguration, "line \(n + 1): bad section header '\(line)'")
                }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw TrainerError(.invalidConfiguration, "line \(n + 1): expected key = value, got '\(line)'")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !value.isEmpty else {
                throw TrainerError(.invalidConfiguration, "line \(n + 1): empty key or value")
            }
            out.append((section.isEmpty ? key : "\(section).\(key)", value))
        }
        return out
    }

    private static func stripComment(_ line: String) -> String {
        var inString = false
        for (i, c) in zip(line.indices, line) {
            if c == "\"" { inString.toggle() }
            if c == "#", !inString { return String(line[..<i]) }
        }
        return line
    }
}
