import Foundation

/// Reads and writes embedding tables in the two interoperable formats.
///
/// - `.f32`: bytes `EMBF`, uint32 version 1, uint32 N, uint32 D (little-endian),
///   N×D float32 row-major (little-endian), then the N external ids as UTF-8
///   lines each ending in `\n`.
/// - word2vec text: a `N D` header line, then `id v1 … vD` per line.
public enum EmbeddingFileFormat {
    static let magic: [UInt8] = Array("EMBF".utf8)
    /// The `.f32` format version written and accepted.
    public static let version: UInt32 = 1

    /// Encodes a table as `.f32` bytes.
    public static func f32Data(_ table: EmbeddingTable) -> Data {
        var data = Data(capacity: 16 + table.values.count * 4 + table.count * 8)
        data.append(contentsOf: magic)
        for v in [version, UInt32(table.count), UInt32(table.dimension)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        table.values.withUnsafeBufferPointer { buf in
            #if _endian(little)
            data.append(UnsafeBufferPointer(start: UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: UInt8.self), count: buf.count * 4))
            #else
            for f in buf { withUnsafeBytes(of: f.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            #endif
        }
        for id in table.ids { data.append(contentsOf: id.utf8); data.append(0x0A) }
        return data
    }

    /// Decodes `.f32` bytes; throws a `CoreError` naming what is wrong.
    public static func table(fromF32 data: Data, name: String, kind: EmbeddingTable.Kind = .view) throws -> EmbeddingTable {
        guard data.count >= 16 else { throw CoreError(.format, "\(name): .f32 file too short (\(data.count) bytes)") }
        let bytes = [UInt8](data)
        guard Array(bytes[0..<4]) == magic else { throw CoreError(.format, "\(name): bad magic, not an EMBF file") }
        func u32(_ o: Int) -> UInt32 { UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24 }
        let v = u32(4), n = Int(u32(8)), d = Int(u32(12))
        guard v == version else { throw CoreError(.unsupportedVersion, "\(name): .f32 version \(v), this build reads \(version)") }
        guard d > 0 else { throw CoreError(.format, "\(name): dimension 0") }
        let floatBytes = n.multipliedReportingOverflow(by: d * 4)
        guard !floatBytes.overflow, 16 + floatBytes.partialValue <= bytes.count else {
            throw CoreError(.format, "\(name): truncated: header says \(n)×\(d) floats, file has \(bytes.count) bytes")
        }
        var values = [Float](repeating: 0, count: n * d)
        values.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[16..<(16 + floatBytes.partialValue)])) }
        }
        #if !_endian(little)
        for i in values.indices { values[i] = Float(bitPattern: UInt32(littleEndian: values[i].bitPattern)) }
        #endif
        let tail = bytes[(16 + floatBytes.partialValue)...]
        guard let text = String(validating: tail, as: UTF8.self) else { throw CoreError(.format, "\(name): ids are not valid UTF-8") }
        var ids = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard ids.last == "" else { throw CoreError(.format, "\(name): id list does not end with a newline") }
        ids.removeLast()
        guard ids.count == n else { throw CoreError(.format, "\(name): \(ids.count) ids for \(n) rows") }
        return EmbeddingTable(name: name, kind: kind, dimension: d, ids: ids, values: values)
    }

    /// Encodes a table as word2vec text.
    public static func word2vecText(_ table: EmbeddingTable) -> String {
        var out = "\(table.count) \(table.dimension)\n"
        for i in 0..<table.count {
            out += table.ids[i]
            for v in table.row(i) { out += " \(v)" }
            out += "\n"
        }
        return out
    }

    /// Decodes word2vec text (ids must not contain spaces).
    public static func table(fromWord2Vec text: String, name: String, kind: EmbeddingTable.Kind = .view) throws -> EmbeddingTable {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let header = lines.next() else { throw CoreError(.format, "\(name): empty word2vec file") }
        let hv = header.split(separator: " ")
        guard hv.count == 2, let n = Int(hv[0]), let d = Int(hv[1]), n >= 0, d > 0 else {
            throw CoreError(.format, "\(name): bad word2vec header '\(header)'")
        }
        var ids: [String] = []
        var values: [Float] = []
        ids.reserveCapacity(n)
        values.reserveCapacity(n * d)
        var lineNo = 1
        while let line = lines.next() {
            lineNo += 1
            let f = line.split(separator: " ")
            guard f.count == d + 1 else { throw CoreError(.format, "\(name): line \(lineNo) has \(f.count - 1) values, expected \(d)") }
            ids.append(String(f[0]))
            for s in f.dropFirst() {
                guard let v = Float(s) else { throw CoreError(.format, "\(name): line \(lineNo): '\(s)' is not a number") }
                values.append(v)
            }
        }
        guard ids.count == n else { throw CoreError(.format, "\(name): header says \(n) rows, found \(ids.count)") }
        return EmbeddingTable(name: name, kind: kind, dimension: d, ids: ids, values: values)
    }

    /// Writes a table to a file, choosing the format by extension (`.f32`, else word2vec text).
    public static func write(_ table: EmbeddingTable, to url: URL) throws {
        do {
            if url.pathExtension == "f32" { try f32Data(table).write(to: url, options: .atomic) }
            else { try word2vecText(table).write(to: url, atomically: true, encoding: .utf8) }
        } catch { throw CoreError(.io, "cannot write \(url.path): \(error)") }
    }

    /// Reads a table from a file, choosing the format by extension (`.f32`, else word2vec text).
    public static func read(from url: URL, name: String? = nil, kind: EmbeddingTable.Kind = .view) throws -> EmbeddingTable {
        let tableName = name ?? url.deletingPathExtension().lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw CoreError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        if url.pathExtension == "f32" { return try table(fromF32: data, name: tableName, kind: kind) }
        guard let text = String(data: data, encoding: .utf8) else { throw CoreError(.format, "\(url.path) is not UTF-8 text") }
        return try table(fromWord2Vec: text, name: tableName, kind: kind)
    }
}
