import Foundation

/// Reads and writes embedding tables in the two interoperable formats.
///
/// - `.f32`: bytes `EMBF`, uint32 version 1, uint32 N, uint32 D (little-endian),
///   N×D float32 row-major (little-endian), then the N external ids as UTF-8
///   lines each ending in `\n` (an id may hold any character but a newline).
/// - word2vec text: a `N D` header line, then `id v1 … vD` per line (ids hold no whitespace;
///   `\n` or `\r\n` line endings).
///
/// Readers reject what would silently corrupt an evaluation or an index: NaN or ±infinity
/// (`.nonFiniteValue`), an id listed twice (`.duplicateID`), headers that disagree with the
/// body, D above `maxDimension`. Writers refuse ids the format cannot carry.
public enum EmbeddingFileFormat {
    static let magic: [UInt8] = Array("EMBF".utf8)
    /// The `.f32` format version written and accepted.
    public static let version: UInt32 = 1
    /// The largest vector dimension either reader accepts.
    public static let maxDimension = 65_536

    /// Encodes a table as `.f32` bytes (ids must not contain a newline: `write(_:to:)` checks).
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
        try table(fromF32: data, name: name, kind: kind, source: name)
    }

    /// Decodes `.f32` bytes; errors name `source` (the file path when read from a file).
    static func table(fromF32 data: Data, name: String, kind: EmbeddingTable.Kind, source: String) throws -> EmbeddingTable {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> EmbeddingTable in
            guard raw.count >= 16 else { throw CoreError(.format, "\(source): .f32 file too short (\(raw.count) bytes)") }
            guard raw.prefix(4).elementsEqual(magic) else { throw CoreError(.format, "\(source): bad magic, not an EMBF file") }
            func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
            let v = u32(4), n = Int(u32(8)), d = Int(u32(12))
            guard v == version else { throw CoreError(.unsupportedVersion, "\(source): .f32 version \(v), this build reads \(version)") }
            guard d > 0 else { throw CoreError(.format, "\(source): dimension 0") }
            guard d <= maxDimension else {
                throw CoreError(.format, "\(source): dimension \(d) in the header exceeds the maximum \(maxDimension)")
            }
            // No sum with the header's sizes: N×D×4 is compared with what the file holds after the header.
            let available = raw.count - 16
            let floatBytes = n.multipliedReportingOverflow(by: d * 4)
            guard !floatBytes.overflow, floatBytes.partialValue <= available else {
                throw CoreError(.format, "\(source): truncated: header says \(n)×\(d) floats, file has \(raw.count) bytes")
            }
            let idBytes = UnsafeRawBufferPointer(rebasing: raw[(16 + floatBytes.partialValue)...])
            let ids = try decodeIDs(idBytes, count: n, source: source)
            let values = [Float](unsafeUninitializedCapacity: n * d) { buf, initialized in
                UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[16..<(16 + floatBytes.partialValue)]))
                #if !_endian(little)
                for i in 0..<(n * d) { buf[i] = Float(bitPattern: UInt32(littleEndian: buf[i].bitPattern)) }
                #endif
                initialized = n * d
            }
            try requireFinite(values, dimension: d, ids: ids, source: source)
            return EmbeddingTable(name: name, kind: kind, dimension: d, ids: ids, values: values)
        }
    }

    /// The `\n`-terminated UTF-8 ids after the vectors of a `.f32` file, split on the newline byte
    /// (so an id ending in `\r` stays intact), each unique.
    static func decodeIDs(_ bytes: UnsafeRawBufferPointer, count n: Int, source: String) throws -> [String] {
        guard bytes.isEmpty || bytes.last == 0x0A else { throw CoreError(.format, "\(source): id list does not end with a newline") }
        // Each id takes at least its newline byte: a count above the bytes left cannot be right.
        let lines = bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        guard lines == n else { throw CoreError(.format, "\(source): \(lines) ids for \(n) rows") }
        var ids: [String] = []
        ids.reserveCapacity(n)
        var seen = Set<String>(minimumCapacity: n)
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            guard let id = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) else {
                throw CoreError(.format, "\(source): id of row \(ids.count) is not valid UTF-8")
            }
            guard seen.insert(id).inserted else {
                throw CoreError(.duplicateID, "\(source): id \(CoreError.excerpt(id)) appears twice (rows \(ids.firstIndex(of: id)!) and \(ids.count))")
            }
            ids.append(id)
            start = i + 1
        }
        return ids
    }

    /// Throws `.nonFiniteValue` naming the row id and column of the first NaN or ±infinity in `values`.
    static func requireFinite(_ values: [Float], dimension d: Int, ids: [String], source: String) throws {
        guard let i = values.withUnsafeBufferPointer({ FiniteScan.firstNonFinite($0) }) else { return }
        let row = i / d
        throw CoreError(.nonFiniteValue, "\(source): row \(row) (id \(CoreError.excerpt(ids[row]))), column \(i % d + 1) of \(d) is \(values[i])")
    }

    /// Writes a table to a file, choosing the format by extension (`.f32`, else word2vec text).
    ///
    /// Throws `.invalidArgument` naming an id the format cannot carry (a newline in `.f32`;
    /// whitespace or an empty id in word2vec text).
    public static func write(_ table: EmbeddingTable, to url: URL) throws {
        let f32 = url.pathExtension == "f32"
        if f32 {
            if let bad = table.ids.first(where: { $0.utf8.contains(0x0A) }) {
                throw CoreError(.invalidArgument, "cannot write \(url.path): id \(CoreError.excerpt(bad.debugDescription)) of table \(table.name) contains a newline")
            }
        }
        let text = f32 ? nil : try word2vecText(table)
        do {
            if let text { try text.write(to: url, atomically: true, encoding: .utf8) }
            else { try f32Data(table).write(to: url, options: .atomic) }
        } catch { throw CoreError(.io, "cannot write \(url.path): \(error.localizedDescription)") }
    }

    /// Reads a table from a file, choosing the format by extension (`.f32`, else word2vec text).
    /// Errors name the file.
    public static func read(from url: URL, name: String? = nil, kind: EmbeddingTable.Kind = .view) throws -> EmbeddingTable {
        let tableName = name ?? url.deletingPathExtension().lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CoreError(.io, "no embedding file at \(url.path)")
        }
        guard !isDirectory.boolValue else {
            throw CoreError(.invalidArgument, "\(url.path) is a directory, expected an embedding file (.f32 or word2vec text)")
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw CoreError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        if url.pathExtension == "f32" { return try table(fromF32: data, name: tableName, kind: kind, source: url.path) }
        guard let text = String(data: data, encoding: .utf8) else { throw CoreError(.format, "\(url.path) is not UTF-8 text") }
        return try table(fromWord2Vec: text, name: tableName, kind: kind, source: url.path)
    }
}
