import Foundation

extension PreparedDataset {
    /// Writes the dataset as a directory (see `DatasetManifest` for the layout). The directory is
    /// written under a temporary name and then renamed, replacing an existing one, so readers never
    /// see a half-written dataset. `interruption` is checked before each file; when it is
    /// requested the temporary directory is removed and `DataError(.interrupted)` thrown.
    public func write(to directory: URL, interruption: Interruption = .process) throws {
        let fm = FileManager.default
        let temporary = directory.deletingLastPathComponent()
            .appendingPathComponent(".\(directory.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
        } catch {
            throw DataError(.writeFailed, "\(temporary.path): \(error.localizedDescription)")
        }
        do {
            var writer = DatasetFileWriter(directory: temporary, interruption: interruption)
            for (v, view) in views.enumerated() {
                try writer.writeStrings("view\(v).vocab", view.vocabulary)
                try writer.write("view\(v).counts", view.counts)
                try writer.write("view\(v).tokens", view.sequences.tokens)
                try writer.writeOffsets("view\(v).offsets", view.sequences.offsets)
                try writer.writeEdges("view\(v).edges", view.edges)
            }
            let itemTokens = views.first?.sequences.tokens ?? []
            for (r, relation) in relations.enumerated() {
                try writer.write("relation\(r).attribute", relation.attributeOfItem)
                if !relation.pairsFollow(itemTokens: itemTokens) { try writer.writePairs("relation\(r).pairs", relation.pairs) }
            }
            try writer.writeStrings("users.ids", users.map { $0.user })
            var train = SequenceSet(), heldOut = SequenceSet()
            for u in users { train.append(u.trainItems); heldOut.append(u.heldOutItems) }
            try writer.write("users.train.tokens", train.tokens)
            try writer.writeOffsets("users.train.offsets", train.offsets)
            try writer.write("users.heldout.tokens", heldOut.tokens)
            try writer.writeOffsets("users.heldout.offsets", heldOut.offsets)
            try writer.write("users.heldoutcount", users.map { Int64($0.heldOutCount) })
            let keys = itemAttributeKeys
            if !itemIDsFollowVocabulary { try writer.writeStrings("items.ids", items.map { $0.id }) }
            if let names = storedDisplayNames { try writer.writeStrings("items.names", names) }
            for (k, key) in keys.enumerated() {
                if let column = storedAttributeColumn(key) { try writer.writeStrings("items.attr\(k)", column) }
            }

            try interruption.check()
            let manifest = DatasetManifest(
                format: DatasetManifest.formatName, version: DatasetManifest.currentVersion,
                views: views.map { .init(name: $0.name, nodeCount: $0.nodeCount, sequences: $0.sequences.count,
                                         tokens: $0.sequences.tokens.count, edges: $0.edges.count) },
                relations: relations.map { .init(view: $0.view, items: $0.attributeOfItem.count, pairs: $0.pairCount) },
                users: users.count, items: itemCount, itemAttributeKeys: keys, source: source, files: writer.files)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: temporary.appendingPathComponent("manifest.json"))
            if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
            try fm.moveItem(at: temporary, to: directory)
        } catch let error as DataError {
            try? fm.removeItem(at: temporary)
            throw error
        } catch {
            try? fm.removeItem(at: temporary)
            throw DataError(.writeFailed, "\(directory.path): \(error.localizedDescription)")
        }
    }

    /// Reads a dataset directory written by `write(to:)`, verifying every file's size and CRC-32
    /// and the consistency of ids, offsets and counts.
    public static func read(from directory: URL) throws -> PreparedDataset {
        let manifest = try readManifest(directory)
        let reader = DatasetFileReader(directory: directory, manifest: manifest)
        guard let first = manifest.views.first, first.name == "item" else {
            throw DataError(.invalidManifest, "\(directory.path)/manifest.json: views[0] must be the item view")
        }
        var views: [ViewData] = []
        for (v, entry) in manifest.views.enumerated() {
            let vocabulary = try reader.strings("view\(v).vocab", count: entry.nodeCount)
            let counts: [Int64] = try reader.array("view\(v).counts", count: entry.nodeCount)
            if let bad = counts.firstIndex(where: { $0 < 0 }) {
                throw DataError(.corruptDatasetFile, "\(directory.path)/view\(v).counts: node \(bad) has a negative count \(counts[bad])")
            }
            let tokens: [Int32] = try reader.array("view\(v).tokens", count: entry.tokens)
            let offsets: [Int64] = try reader.array("view\(v).offsets", count: entry.sequences + 1)
            try reader.checkSequences("view\(v)", tokens: tokens, offsets: offsets, limit: entry.nodeCount)
            let raw: [Int32] = try reader.array("view\(v).edges", count: entry.edges * 4)
            var edges: [Edge] = []
            edges.reserveCapacity(entry.edges)
            for e in 0..<entry.edges {
                let count = Int64(raw[4 * e + 3]) << 32 | Int64(UInt32(bitPattern: raw[4 * e + 2]))
                let edge = Edge(source: raw[4 * e], target: raw[4 * e + 1], count: count)
                guard edge.source > 0, edge.target > 0, Int(edge.source) < entry.nodeCount, Int(edge.target) < entry.nodeCount else {
                    throw DataError(.corruptDatasetFile, "\(directory.path)/view\(v).edges: edge \(e) has an id outside 1..<\(entry.nodeCount)")
                }
                guard edge.count > 0, edge.count <= Int64(entry.tokens) else {
                    throw DataError(.corruptDatasetFile, "\(directory.path)/view\(v).edges: edge \(e) has multiplicity \(edge.count), outside 1...\(entry.tokens) (the view's token count)")
                }
                edges.append(edge)
            }
            views.append(ViewData(name: entry.name, vocabulary: vocabulary, counts: counts,
                                  sequences: SequenceSet(tokens: tokens, offsets: offsets.map(Int.init)), edges: edges))
        }
        let itemCount = first.nodeCount
        var relations: [ItemRelation] = []
        for (r, entry) in manifest.relations.enumerated() {
            guard let target = manifest.views.first(where: { $0.name == entry.view }), entry.items == itemCount else {
                throw DataError(.invalidManifest, "\(directory.path)/manifest.json: relation \(r) does not match the views")
            }
            let attribute: [Int32] = try reader.array("relation\(r).attribute", count: itemCount)
            if let bad = attribute.first(where: { $0 < 0 || Int($0) >= target.nodeCount }) {
                throw DataError(.corruptDatasetFile, "\(directory.path)/relation\(r).attribute: id \(bad) outside 0..<\(target.nodeCount)")
            }
            let relation: ItemRelation
            if manifest.files["relation\(r).pairs"] != nil {
                let pairs = try reader.pairs("relation\(r).pairs", count: entry.pairs, items: itemCount, attributes: target.nodeCount)
                relation = ItemRelation(view: entry.view, attributeOfItem: attribute, pairs: pairs)
            } else {
                relation = ItemRelation(view: entry.view, attributeOfItem: attribute, itemTokens: views[0].sequences.tokens)
                guard relation.pairCount == entry.pairs else {
                    throw DataError(.corruptDatasetFile, "\(directory.path)/relation\(r).attribute: gives \(relation.pairCount) pairs, manifest says \(entry.pairs)")
                }
            }
            relations.append(relation)
        }
        let userIds = try reader.strings("users.ids", count: manifest.users)
        let trainTokens: [Int32] = try reader.array("users.train.tokens")
        let trainOffsets: [Int64] = try reader.array("users.train.offsets", count: manifest.users + 1)
        try reader.checkSequences("users.train", tokens: trainTokens, offsets: trainOffsets, limit: itemCount)
        let heldTokens: [Int32] = try reader.array("users.heldout.tokens")
        let heldOffsets: [Int64] = try reader.array("users.heldout.offsets", count: manifest.users + 1)
        try reader.checkSequences("users.heldout", tokens: heldTokens, offsets: heldOffsets, limit: itemCount)
        let heldCounts: [Int64] = try reader.array("users.heldoutcount", count: manifest.users)
        for u in 0..<manifest.users where heldCounts[u] < heldOffsets[u + 1] - heldOffsets[u] {
            throw DataError(.corruptDatasetFile, "\(directory.path)/users.heldoutcount: user \(u) counts \(heldCounts[u]) held-out items but lists \(heldOffsets[u + 1] - heldOffsets[u])")
        }
        var users: [UserHistory] = []
        users.reserveCapacity(manifest.users)
        for u in 0..<manifest.users {
            users.append(UserHistory(user: userIds[u],
                                     trainItems: Array(trainTokens[Int(trainOffsets[u])..<Int(trainOffsets[u + 1])]),
                                     heldOutItems: Array(heldTokens[Int(heldOffsets[u])..<Int(heldOffsets[u + 1])]),
                                     heldOutCount: Int(heldCounts[u])))
        }
        guard manifest.items == itemCount else {
            throw DataError(.invalidManifest, "\(directory.path)/manifest.json: \(manifest.items) items but the item view has \(itemCount) nodes")
        }
        let stored = { (name: String) in manifest.files[name + ".offsets"] != nil }
        let keys = manifest.itemAttributeKeys
        let names = stored("items.names") ? try reader.strings("items.names", count: itemCount) : nil
        var dataset = PreparedDataset(views: views, relations: relations, users: users, items: [], source: manifest.source)
        if !stored("items.ids") && keys.indices.allSatisfy({ !stored("items.attr\($0)") }) {
            // Everything follows from the vocabulary and relations: items are made when asked.
            let attributes = try keys.map { key in
                guard let relation = relations.first(where: { $0.view == key }), let view = views.first(where: { $0.name == key }) else {
                    throw DataError(.invalidManifest, "\(directory.path)/manifest.json: no items.attr file and no relation '\(key)' to derive it from")
                }
                return (key: key, attributeOfItem: relation.attributeOfItem, vocabulary: view.vocabulary)
            }
            dataset.itemStorage = .derived(DerivedItemInfo(ids: views[0].vocabulary, displayNames: names, attributes: attributes))
        } else {
            let ids = stored("items.ids") ? try reader.strings("items.ids", count: itemCount) : views[0].vocabulary
            let columns = try keys.enumerated().map { k, key in
                if stored("items.attr\(k)") { return try reader.strings("items.attr\(k)", count: itemCount) }
                guard let column = Self.attributeColumn(key, views: views, relations: relations, itemCount: itemCount) else {
                    throw DataError(.invalidManifest, "\(directory.path)/manifest.json: no items.attr\(k) and no relation '\(key)' to derive it from")
                }
                return column
            }
            dataset.items = (0..<itemCount).map { i in
                var attributes: [String: String] = [:]
                for (k, key) in keys.enumerated() where !columns[k][i].isEmpty { attributes[key] = columns[k][i] }
                return ItemInfo(id: ids[i], displayName: names?[i] ?? ids[i], attributes: attributes)
            }
        }
        return dataset
    }

    /// Reads and checks `manifest.json` of a dataset directory.
    public static func readManifest(_ directory: URL) throws -> DatasetManifest {
        let url = directory.appendingPathComponent("manifest.json")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(.missingDatasetFile, "\(directory.path): no such dataset directory")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DataError(.missingDatasetFile, "\(url.path): missing manifest")
        }
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw DataError(.invalidManifest, "\(url.path): not a JSON object")
        }
        guard header.format == DatasetManifest.formatName else {
            throw DataError(.invalidManifest, "\(url.path): format '\(header.format ?? "none")' is not '\(DatasetManifest.formatName)'")
        }
        guard let version = header.version, version >= 1 else { throw DataError(.invalidManifest, "\(url.path): missing or invalid version") }
        guard version <= DatasetManifest.currentVersion else {
            throw DataError(.unsupportedFormatVersion,
                            "\(url.path): format version \(version) is newer than this build supports (\(DatasetManifest.currentVersion)); upgrade m2grl")
        }
        let manifest: DatasetManifest
        do {
            manifest = try JSONDecoder().decode(DatasetManifest.self, from: data)
        } catch {
            throw DataError(.invalidManifest, "\(url.path): \(error)")
        }
        try checkCounts(manifest, url: url)
        return manifest
    }

    /// The largest count a manifest may state: ids are Int32, and no size computed from a count
    /// (`count + 1` offsets, `4 × edges` words) may overflow.
    static let maxManifestCount = Int(Int32.max)

    /// Refuses negative or absurd counts and repeated view names before any of them sizes an array.
    private static func checkCounts(_ m: DatasetManifest, url: URL) throws {
        func check(_ value: Int, _ what: String) throws {
            guard (0...maxManifestCount).contains(value) else {
                throw DataError(.invalidManifest, "\(url.path): \(what) is \(value), outside 0...\(maxManifestCount)")
            }
        }
        var names = Set<String>()
        for (v, view) in m.views.enumerated() {
            guard names.insert(view.name).inserted else {
                throw DataError(.invalidManifest, "\(url.path): view name '\(view.name)' appears twice")
            }
            try check(view.nodeCount, "views[\(v)].nodeCount")
            try check(view.sequences, "views[\(v)].sequences")
            try check(view.tokens, "views[\(v)].tokens")
            try check(view.edges, "views[\(v)].edges")
        }
        for (r, relation) in m.relations.enumerated() {
            try check(relation.items, "relations[\(r)].items")
            try check(relation.pairs, "relations[\(r)].pairs")
        }
        try check(m.users, "users")
        try check(m.items, "items")
        for (name, file) in m.files where file.bytes < 0 {
            throw DataError(.invalidManifest, "\(url.path): files['\(name)'].bytes is \(file.bytes)")
        }
    }
}
