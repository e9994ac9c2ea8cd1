import Foundation

extension ModelBundle {
    /// The files `write(to:)` writes, relative to the bundle directory, `model.json` (written last)
    /// excluded, in name order.
    public var fileNames: [String] {
        (tables.map { Self.tableFile($0.name) } + attachments.keys + ["items.tsv"]).sorted()
    }

    static func tableFile(_ name: String) -> String { "tables/\(name).f32" }

    /// Writes the bundle into `directory` (created if needed; existing files are replaced).
    public func write(to directory: URL) throws {
        let fm = FileManager.default
        let tablesDir = directory.appendingPathComponent("tables")
        do { try fm.createDirectory(at: tablesDir, withIntermediateDirectories: true) } catch {
            throw CoreError(.io, "cannot create \(tablesDir.path): \(error.localizedDescription)")
        }
        var entries: [TableEntry] = []
        for t in tables {
            guard t.name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw CoreError(.invalidArgument, "table name '\(t.name)' must use letters, digits, '.', '_' or '-'")
            }
            let file = Self.tableFile(t.name)
            try EmbeddingFileFormat.write(t, to: directory.appendingPathComponent(file))
            entries.append(TableEntry(name: t.name, kind: t.kind, file: file, count: t.count, dimension: t.dimension))
        }
        for (name, data) in attachments {
            do { try data.write(to: directory.appendingPathComponent(name), options: .atomic) } catch {
                throw CoreError(.io, "cannot write attachment \(name): \(error.localizedDescription)")
            }
        }
        try ItemMetadataFile.write(items, to: directory.appendingPathComponent("items.tsv"))
        let manifest = Manifest(formatVersion: Self.formatVersion, tables: entries, configuration: configuration,
                                metrics: metrics, dataWindow: dataWindow, attachments: attachments.keys.sorted())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(manifest).write(to: directory.appendingPathComponent("model.json"), options: .atomic) } catch {
            throw CoreError(.io, "cannot write model.json: \(error.localizedDescription)")
        }
    }

    /// Reads a bundle written by `write(to:)`.
    ///
    /// A path that is a file (an embedding file, say) or a directory without `model.json` gets an
    /// `.invalidArgument` error saying so; every table is read by `EmbeddingFileFormat.read`, so
    /// NaN/infinity, duplicate ids and bad headers are rejected naming the table's file.
    public static func read(from directory: URL) throws -> ModelBundle {
        let manifestURL = directory.appendingPathComponent("model.json")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw CoreError(.io, "no model at \(directory.path) (expected a model directory with model.json)")
        }
        guard isDirectory.boolValue else {
            throw CoreError(.invalidArgument, "\(directory.path) is a file, expected a model directory (holding model.json and "
                            + "tables/); an embedding file (.f32 or word2vec text) is a single table, not a model")
        }
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw CoreError(.invalidArgument, "\(directory.path) is not a model directory: it has no model.json")
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        } catch let e as DecodingError {
            throw CoreError(.format, "\(manifestURL.path): \(e)")
        } catch {
            throw CoreError(.io, "cannot read \(manifestURL.path): \(error.localizedDescription)")
        }
        guard manifest.formatVersion <= formatVersion else {
            throw CoreError(.unsupportedVersion, "model format \(manifest.formatVersion) is newer than this build (\(formatVersion))")
        }
        var tables: [EmbeddingTable] = []
        for e in manifest.tables {
            let t = try EmbeddingFileFormat.read(from: directory.appendingPathComponent(e.file), name: e.name, kind: e.kind)
            guard t.count == e.count, t.dimension == e.dimension else {
                throw CoreError(.format, "table \(e.name): manifest says \(e.count)×\(e.dimension), file holds \(t.count)×\(t.dimension)")
            }
            tables.append(t)
        }
        var attachments: [String: Data] = [:]
        for name in manifest.attachments {
            do { attachments[name] = try Data(contentsOf: directory.appendingPathComponent(name)) } catch {
                throw CoreError(.io, "missing attachment \(name)")
            }
        }
        let items = try ItemMetadataFile.read(from: directory.appendingPathComponent("items.tsv"))
        return ModelBundle(tables: tables, items: items, configuration: manifest.configuration,
                           metrics: manifest.metrics, dataWindow: manifest.dataWindow, attachments: attachments)
    }
}

/// `items.tsv`: header `id<TAB>name<TAB>attr…`, values with tabs and newlines replaced by spaces.
public enum ItemMetadataFile {
    public static func write(_ items: [ItemMetadata], to url: URL) throws {
        let attrs = Array(Set(items.flatMap { $0.attributes.keys })).sorted()
        func clean(_ s: String) -> String { String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 }) }
        var out = (["id", "name"] + attrs).joined(separator: "\t") + "\n"
        for it in items {
            out += ([clean(it.id), clean(it.displayName)] + attrs.map { clean(it.attributes[$0] ?? "") }).joined(separator: "\t") + "\n"
        }
        do { try out.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw CoreError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    public static func read(from url: URL) throws -> [ItemMetadata] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw CoreError(.io, "cannot read \(url.path)") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
              header.count >= 2, header[0] == "id", header[1] == "name" else {
            throw CoreError(.format, "\(url.path): header must start with id<TAB>name")
        }
        var items: [ItemMetadata] = []
        items.reserveCapacity(lines.count - 1)
        for (n, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == header.count else { throw CoreError(.format, "\(url.path):\(n + 2): \(f.count) columns, expected \(header.count)") }
            var attrs: [String: String] = [:]
            for i in 2..<header.count where !f[i].isEmpty { attrs[header[i]] = String(f[i]) }
            items.append(ItemMetadata(id: String(f[0]), displayName: String(f[1]), attributes: attrs))
        }
        return items
    }
}
