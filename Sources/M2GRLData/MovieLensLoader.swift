import Foundation

/// Reads MovieLens in RecBole's atomic-file layout (`NAME.inter`, `.item`, `.link`, `.kg`) into an
/// `EventLog` with views item, category (first genre of `class`) and director (from the KG).
///
/// Cleaning follows EVALUATION.md: ratings < 3 dropped. Use `SessionRules.movieLens` to build.
/// `.item`, `.link` and `.kg` are optional: without `.item` items have no category or title;
/// without `.link`/`.kg` every item's director is `unknown`.
public enum MovieLensLoader {
    /// The attribute views this adapter produces, in order.
    public static let views = ["category", "director"]
    /// KG relations linking films and directors: (relation, film is the head).
    static let directorRelations: [String: Bool] = ["film.film.directed_by": true, "film.director.film": false]

    /// Loads the dataset in `directory`; `name` defaults to the directory's last path component.
    public static func load(directory: String, name: String? = nil, onError: ErrorPolicy = .skip,
                            progress: ProgressReporter? = nil) throws -> EventLog {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let stem = name ?? String(base.split(separator: "/").last ?? "ml-100k")
        let prefix = "\(base)/\(stem)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(.fileNotFound, "\(directory): no such MovieLens directory (expected \(stem).inter, .item, .link, .kg inside)")
        }
        var options = LogReadOptions(minDwell: nil, minRating: 3, onError: onError)
        options.extraAttributeViews = views
        options.progress = progress
        let log = try EventLogReader.read(files: [prefix + ".inter"], options: options)
        guard log.attributeNames.suffix(2) == ArraySlice(views) else {
            throw DataError(.missingColumns, "\(prefix).inter: unexpected attribute columns \(log.attributeNames)")
        }
        let categoryView = log.attributeNames.count - 2
        let directorView = log.attributeNames.count - 1

        // Titles and first genres.
        log.itemTitles = [String](repeating: "", count: log.itemCount)
        if let rows = try readTable(prefix + ".item", onError: onError, report: &log.report) {
            let id = try rows.column("item_id"), title = rows.optionalColumn("movie_title"), genres = rows.optionalColumn("class")
            for row in rows.rows {
                guard let raw = log.items.lookup(row[id]) else { continue }
                if let title { log.itemTitles[Int(raw)] = row[title] }
                if let genres, let first = row[genres].split(separator: " ").first {
                    log.setAttribute(view: categoryView, itemId: row[id], value: String(first))
                }
            }
        }

        // Directors: item → entity (link), film entity → director entities (kg), smallest id wins.
        var directorOfItem: [String: String] = [:]
        if let links = try readTable(prefix + ".link", onError: onError, report: &log.report),
           let kg = try readTable(prefix + ".kg", onError: onError, report: &log.report) {
            let item = try links.column("item_id"), entity = try links.column("entity_id")
            var itemsOfEntity: [String: [String]] = [:]
            for row in links.rows { itemsOfEntity[row[entity], default: []].append(row[item]) }
            let head = try kg.column("head_id"), relation = try kg.column("relation_id"), tail = try kg.column("tail_id")
            var best: [String: String] = [:]  // film entity → smallest director entity
            for row in kg.rows {
                guard let filmIsHead = directorRelations[row[relation]] else { continue }
                let film = filmIsHead ? row[head] : row[tail]
                let director = filmIsHead ? row[tail] : row[head]
                guard itemsOfEntity[film] != nil else { continue }
                if let current = best[film], current <= director { continue }
                best[film] = director
            }
            for (film, director) in best {
                for i in itemsOfEntity[film] ?? [] { directorOfItem[i] = director }
            }
        }
        for raw in 0..<log.itemCount {
            let id = log.items.string(Int32(raw))
            log.setAttribute(view: directorView, itemId: id, value: directorOfItem[id] ?? "unknown")
        }
        return log
    }

    /// A small side table read as strings; nil when the file does not exist.
    struct Table {
        var header: [String]
        var rows: [[String]]
        var file: String

        func optionalColumn(_ name: String) -> Int? { header.firstIndex(of: name) }
        func column(_ name: String) throws -> Int {
            guard let i = optionalColumn(name) else {
                throw DataError(.missingColumns, "\(file): header lacks column '\(name)' (found: \(header.joined(separator: ", ")))")
            }
            return i
        }
    }

    /// Reads a side table; nil when the file does not exist. Malformed lines (invalid UTF-8, a
    /// field count other than the header's, a blank line followed by more data) follow `onError`
    /// exactly like the main log's: counted per reason in `report` with their first locations,
    /// then skipped, or a `malformedLine` error with `.fail`.
    static func readTable(_ path: String, onError: ErrorPolicy, report: inout InputReport) throws -> Table? {
        let stream: InputByteStream
        do { stream = try InputByteStream(path: path) } catch let error as DataError where error.code == .fileNotFound { return nil }
        var header: [String]?
        var rows: [[String]] = []
        var pendingBlankLines: [Int] = []
        func reject(_ reason: MalformedReason, _ lineNumber: Int) throws {
            try report.reject(reason, file: path, line: lineNumber, policy: onError)
        }
        try LineReader(chunkSize: 1 << 20).forEachLine(in: stream) { line, lineNumber in
            if header != nil && line.isEmpty {
                pendingBlankLines.append(lineNumber)  // reported unless only trailing blanks follow
                return
            }
            for blank in pendingBlankLines { try reject(.emptyLine, blank) }
            pendingBlankLines.removeAll()
            guard FieldParsing.isValidUTF8(line) else {
                guard header != nil else { throw DataError(.missingColumns, "\(path): header is not valid UTF-8") }
                return try reject(.invalidUTF8, lineNumber)
            }
            let fields = line.string.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let header else {
                header = fields.map { f in
                    let name = f.trimmingSpaces.lowercased()
                    return name.firstIndex(of: ":").map { String(name[..<$0]) } ?? name
                }
                return
            }
            guard fields.count == header.count else { return try reject(.wrongColumnCount, lineNumber) }
            rows.append(fields)
        }
        guard let header else { throw DataError(.emptyInput, "\(path): empty file (no header)") }
        return Table(header: header, rows: rows, file: path)
    }
}
