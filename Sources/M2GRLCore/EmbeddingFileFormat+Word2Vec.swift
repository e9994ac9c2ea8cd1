extension EmbeddingFileFormat {
    /// Encodes a table as word2vec text; throws `.invalidArgument` naming the first id that is empty
    /// or holds whitespace (the reader splits fields on spaces and tabs).
    public static func word2vecText(_ table: EmbeddingTable) throws -> String {
        if let bad = table.ids.first(where: { $0.isEmpty || $0.contains(where: isWord2VecSeparator) }) {
            throw CoreError(.invalidArgument, "table \(table.name): id \(CoreError.excerpt(bad.debugDescription)) cannot be written as word2vec "
                            + "text (ids must be non-empty without whitespace); write .f32 instead")
        }
        var out = "\(table.count) \(table.dimension)\n"
        for i in 0..<table.count {
            out += table.ids[i]
            for v in table.row(i) { out += " \(v)" }
            out += "\n"
        }
        return out
    }

    static func isWord2VecSeparator(_ c: Character) -> Bool { c == " " || c == "\t" || c.isNewline }

    /// Decodes word2vec text (`\n` or `\r\n` line endings, an optional byte order mark; fields separated by spaces or tabs).
    public static func table(fromWord2Vec text: String, name: String, kind: EmbeddingTable.Kind = .view) throws -> EmbeddingTable {
        try table(fromWord2Vec: text, name: name, kind: kind, source: name)
    }

    /// Decodes word2vec text; errors name `source` (the file path when read from a file).
    static func table(fromWord2Vec text: String, name: String, kind: EmbeddingTable.Kind, source: String) throws -> EmbeddingTable {
        // "\r\n" is one Character in Swift: split on it as well as on "\n". A UTF-8 byte order mark is skipped.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        var lines = body.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).makeIterator()
        guard let header = lines.next() else { throw CoreError(.format, "\(source): empty word2vec file") }
        let hv = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard hv.count == 2, let n = Int(hv[0]), let d = Int(hv[1]), n >= 0, d > 0 else {
            throw CoreError(.format, "\(source): bad word2vec header \(CoreError.excerpt(header)), expected 'N D'")
        }
        guard d <= maxDimension else { throw CoreError(.format, "\(source): dimension \(d) in the header exceeds the maximum \(maxDimension)") }
        // A row takes at least 2 bytes per value: never reserve more than the text could hold.
        let rowsBound = min(n, text.utf8.count / (2 * d) + 1)
        var ids: [String] = []
        var values: [Float] = []
        ids.reserveCapacity(rowsBound)
        values.reserveCapacity(rowsBound * d)
        var seen = Set<String>(minimumCapacity: rowsBound)
        var lineNo = 1
        while let line = lines.next() {
            lineNo += 1
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count == d + 1 else {
                throw CoreError(.format, "\(source): line \(lineNo) has \(max(f.count - 1, 0)) values, expected \(d): \(CoreError.excerpt(line))")
            }
            let id = String(f[0])
            guard seen.insert(id).inserted else {
                throw CoreError(.duplicateID, "\(source): line \(lineNo): id \(CoreError.excerpt(id)) appears twice")
            }
            for (column, s) in f.dropFirst().enumerated() {
                guard let v = Float(s) else {
                    throw CoreError(.format, "\(source): line \(lineNo): \(CoreError.excerpt(s)) is not a number")
                }
                guard v.isFinite else {
                    throw CoreError(.nonFiniteValue, "\(source): line \(lineNo), id \(CoreError.excerpt(id)), column \(column + 1) of \(d) is \(CoreError.excerpt(s))")
                }
                values.append(v)
            }
            ids.append(id)
        }
        guard ids.count == n else { throw CoreError(.format, "\(source): header says \(n) rows, found \(ids.count)") }
        return EmbeddingTable(name: name, kind: kind, dimension: d, ids: ids, values: values)
    }
}
