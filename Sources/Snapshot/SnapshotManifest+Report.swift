import Foundation

extension SnapshotManifest {
    /// A multi-line description for a person (what `m2grl inspect` prints).
    public var report: String {
        var lines: [String] = []
        lines.append("snapshot \(version)  (format \(formatVersion), created \(createdAt))")
        if !dataWindow.isEmpty { lines += Self.wrapped("data window:", Self.pairs(dataWindow)) }
        if !metrics.isEmpty {
            lines += Self.wrapped("metrics:", metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(String(format: "%.4f", $0.value))" })
        }
        if !configuration.isEmpty { lines += Self.wrapped("training configuration:", Self.pairs(configuration)) }
        lines.append("items: \(itemCount)  (\(items.file), \(Self.size(items.bytes)), sha256 \(items.sha256.prefix(12)))")
        lines.append("views:")
        let header = ["name", "kind", "count", "dim", "index", "search", "recall", "build", "size", "sha256"]
        var rows = [header]
        for v in views {
            var search: [String] = []
            if let ef = v.searchParameters.efSearch { search.append("efSearch=\(ef)") }
            if let np = v.searchParameters.nprobe { search.append("nprobe=\(np)") }
            rows.append([v.name, v.kind.rawValue, String(v.count), String(v.dimension), v.factory,
                         search.isEmpty ? "exact" : search.joined(separator: ","),
                         String(format: "%.4f@%d/%dq", v.recall, v.recallK, v.recallQueries),
                         String(format: "%.1fs", v.buildSeconds), Self.size(v.index.bytes), String(v.index.sha256.prefix(12))])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        for r in rows {
            lines.append("  " + r.indices.map { c in r[c].padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
        if attachments.isEmpty {
            lines.append("attachments: none")
        } else {
            for a in attachments { lines.append("attachment: \(a.name)  (\(a.file.file), \(Self.size(a.file.bytes)), sha256 \(a.file.sha256.prefix(12)))") }
        }
        lines.append(String(format: "export: recall floor %.3f, flat up to %d vectors, %.1f s", export.recallFloor, export.flatMaxCount, export.totalSeconds))
        return lines.joined(separator: "\n")
    }

    /// The manifest as pretty, key-sorted JSON (what `m2grl inspect --json` prints).
    public func jsonString() throws(SnapshotError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(self), as: UTF8.self) } catch {
            throw SnapshotError(.io, "cannot encode manifest: \(error)")
        }
    }

    private static func pairs(_ d: [String: String]) -> [String] {
        d.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// `title` followed by `words` on indented lines of at most ~100 characters.
    private static func wrapped(_ title: String, _ words: [String]) -> [String] {
        var lines = [title]
        var current = "   "
        for w in words {
            if current.count + w.count + 2 > 100, current.count > 3 {
                lines.append(current)
                current = "   "
            }
            current += "  " + w
        }
        if current.count > 3 { lines.append(current) }
        return lines
    }

    static func size(_ bytes: Int) -> String {
        let b = Double(bytes)
        if b >= 1_073_741_824.0 { return String(format: "%.2f GiB", b / Double(1 << 30)) }
        if b >= 1_048_576.0 { return String(format: "%.1f MiB", b / Double(1 << 20)) }
        if b >= 1024.0 { return String(format: "%.1f KiB", b / Double(1 << 10)) }
        return "\(bytes) B"
    }
}

extension SnapshotStore {
    /// Resolves a path given on a command line: a snapshot directory (holding a manifest)
    /// as is, or a snapshot root through its `current` pointer.
    public static func snapshotDirectory(for path: URL) throws(SnapshotError) -> URL {
        if DurableFiles.fileSize(path.appendingPathComponent(SnapshotLoader.manifestFile)) != nil { return path }
        let store = SnapshotStore(root: path)
        if try store.currentVersion() != nil { return try store.currentDirectory() }
        throw SnapshotError(.notFound, "\(path.path) is neither a snapshot directory nor a snapshot root with a current pointer")
    }
}
