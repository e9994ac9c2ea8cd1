import Foundation
import M2GRLCore

/// Fast byte-level readers for the snapshot's line files (`NAME.ids`, `items.tsv`).
///
/// They read through a mapping and cut lines and tab-separated fields with byte scans,
/// building only the final Strings: several times faster than splitting a decoded
/// String, which matters for 1M-item snapshots on every server reload.
enum LineTable {
    /// The lines of a file (a final newline ends the last line; it does not start an empty one).
    static func lines(of url: URL) throws(SnapshotError) -> [String] {
        let mapped = try MappedFile(url)
        return mapped.withUnsafeBytes { raw in
            var out: [String] = []
            forEachLine(raw) { line in out.append(String(decoding: line, as: UTF8.self)) }
            return out
        }
    }

    /// Item metadata in file order and each item's row by id.
    struct Items {
        var items: [ItemMetadata] = []
        var rowByID: [String: Int] = [:]
    }

    /// Reads `items.tsv` as written by `ItemMetadataFile.write` (header `id<TAB>name<TAB>attr…`).
    ///
    /// Throws `.inconsistent` for a header that names a column twice or a row whose item id an
    /// earlier row already has: either would silently lose metadata (attributes are keyed by
    /// column name, items by id), so a checksum-valid file with them is refused, not served.
    /// The id check is the row-by-id map the snapshot needs anyway, built here (on the loader's
    /// item thread) instead of in `LoadedSnapshot.init`, so it costs nothing extra.
    static func items(at url: URL) throws(SnapshotError) -> Items {
        let mapped = try MappedFile(url)
        return try mapped.withUnsafeBytes { (raw) -> Result<Items, SnapshotError> in
            var header: [String]?
            var table = Items()
            var failure: SnapshotError?
            var lineNumber = 0
            var fields: [UnsafeRawBufferPointer] = []
            forEachLine(raw) { line in
                guard failure == nil else { return }
                lineNumber += 1
                fields.removeAll(keepingCapacity: true)
                splitTabs(line, into: &fields)
                guard let names = header else {
                    let h = fields.map { String(decoding: $0, as: UTF8.self) }
                    guard h.count >= 2, h[0] == "id", h[1] == "name" else {
                        failure = SnapshotError(.inconsistent, "\(url.path): header must start with id<TAB>name")
                        return
                    }
                    var columns = Set<String>()
                    if let twice = h.first(where: { !columns.insert($0).inserted }) {
                        failure = SnapshotError(.inconsistent, "\(url.path): header names column '\(twice)' twice")
                        return
                    }
                    header = h
                    return
                }
                guard fields.count == names.count else {
                    failure = SnapshotError(.inconsistent, "\(url.path):\(lineNumber): \(fields.count) columns, expected \(names.count)")
                    return
                }
                var attributes: [String: String] = [:]
                for i in 2..<names.count where fields[i].count > 0 {
                    attributes[names[i]] = String(decoding: fields[i], as: UTF8.self)
                }
                table.items.append(ItemMetadata(id: String(decoding: fields[0], as: UTF8.self),
                                                displayName: String(decoding: fields[1], as: UTF8.self), attributes: attributes))
            }
            if let failure { return .failure(failure) }
            guard header != nil else { return .failure(SnapshotError(.inconsistent, "\(url.path): no header line")) }
            // A second pass over the parsed rows (faster than hashing inside the parse loop).
            for (row, item) in table.items.enumerated() where table.rowByID.updateValue(row, forKey: item.id) != nil {
                // Row r is line r + 2: the header is line 1 and every later line is a row.
                return .failure(SnapshotError(.inconsistent, "\(url.path):\(row + 2): item id '\(item.id)' appears twice"))
            }
            return .success(table)
        }.get()
    }

    private static func forEachLine(_ raw: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard let base = raw.baseAddress else { return }
        var start = 0
        while start < raw.count {
            let rest = raw.count - start
            let end: Int
            if let nl = memchr(base + start, 0x0A, rest) {
                end = base.distance(to: UnsafeRawPointer(nl))
            } else {
                end = raw.count
            }
            body(UnsafeRawBufferPointer(start: base + start, count: end - start))
            start = end + 1
        }
    }

    private static func splitTabs(_ line: UnsafeRawBufferPointer, into fields: inout [UnsafeRawBufferPointer]) {
        guard let base = line.baseAddress else {
            fields.append(line)
            return
        }
        var start = 0
        for i in 0..<line.count where line[i] == 0x09 {
            fields.append(UnsafeRawBufferPointer(start: base + start, count: i - start))
            start = i + 1
        }
        fields.append(UnsafeRawBufferPointer(start: base + start, count: line.count - start))
    }
}
