import Foundation
import M2GRLCore
import Synchronization
import VectorIndex

/// Reads a snapshot directory into a `LoadedSnapshot`, verifying it on the way.
///
/// Checks, in order: the manifest exists and decodes; its format version is not newer
/// than this build's; every listed file exists, has the recorded size (else `.truncated`)
/// and SHA-256 (else `.checksumMismatch`); each index loads, and its dimension, count and
/// ids agree with the manifest and the id file (else `.inconsistent`).
///
/// Index files are memory-mapped, checksummed and handed to Faiss from the mapping, then
/// unmapped: peak memory is the index itself plus page cache for the file.
public struct SnapshotLoader: Sendable {
    /// The manifest's file name inside a snapshot directory.
    public static let manifestFile = "manifest.json"

    /// Whether to hash every file (on by default; off only for trusted, just-verified files).
    public var verifyChecksums: Bool
    /// Whether to load item metadata (otherwise `items` is empty).
    public var includeItems: Bool
    /// Views to load; nil loads all. Names not in the manifest are a `.notFound` error.
    public var viewNames: Set<String>?

    public init(verifyChecksums: Bool = true, includeItems: Bool = true, viewNames: Set<String>? = nil) {
        self.verifyChecksums = verifyChecksums
        self.includeItems = includeItems
        self.viewNames = viewNames
    }

    /// Reads and checks just the manifest.
    public static func readManifest(in directory: URL) throws(SnapshotError) -> SnapshotManifest {
        let url = directory.appendingPathComponent(manifestFile)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SnapshotError(.missingFile, "no \(manifestFile) in \(directory.path)")
        }
        let decoder = JSONDecoder()
        guard let probe = try? decoder.decode(ManifestVersionProbe.self, from: data) else {
            throw SnapshotError(.corruptManifest, "\(url.path) is not a snapshot manifest (no formatVersion)")
        }
        guard probe.formatVersion <= SnapshotManifest.currentFormatVersion else {
            throw SnapshotError(.futureFormatVersion, "\(url.path) has format version \(probe.formatVersion); this build reads up to \(SnapshotManifest.currentFormatVersion)")
        }
        guard probe.formatVersion >= 1 else { throw SnapshotError(.corruptManifest, "\(url.path): format version \(probe.formatVersion)") }
        do { return try decoder.decode(SnapshotManifest.self, from: data) } catch {
            throw SnapshotError(.corruptManifest, "\(url.path): \(error)")
        }
    }

    /// Loads and verifies the snapshot in `directory`.
    public func load(from directory: URL) throws(SnapshotError) -> LoadedSnapshot {
        let manifest = try Self.readManifest(in: directory)
        // Item metadata loads on a second thread while the views load here.
        let itemsResult = Mutex<Result<LineTable.Items, SnapshotError>?>(nil)
        let itemsDone = DispatchGroup()
        itemsDone.enter()
        let verify = verifyChecksums, includeItems = includeItems
        if let wanted = viewNames, let missing = wanted.subtracting(manifest.views.map(\.name)).sorted().first {
            throw SnapshotError(.notFound, "snapshot \(manifest.version) has no view '\(missing)' (views: \(manifest.views.map(\.name).joined(separator: ", ")))")
        }
        DispatchQueue.global().async {
            let r = Result { () throws(SnapshotError) -> LineTable.Items in
                guard includeItems else { return LineTable.Items() }
                let url = try SnapshotLoader(verifyChecksums: verify).verifiedFile(manifest.items, in: directory, what: "item metadata")
                return try LineTable.items(at: url)
            }
            itemsResult.withLock { $0 = r }
            itemsDone.leave()
        }
        var names = Set<String>()
        var views: [ServedView] = []
        do throws(SnapshotError) {
            for entry in manifest.views where viewNames?.contains(entry.name) ?? true {
                guard names.insert(entry.name).inserted else { throw SnapshotError(.inconsistent, "view \(entry.name) is listed twice") }
                views.append(try loadView(entry, in: directory))
            }
        } catch {
            itemsDone.wait()
            throw error
        }
        itemsDone.wait()
        let table = try itemsResult.withLock { $0! }.get()
        let items = table.items
        guard items.count == manifest.itemCount || !includeItems else {
            throw SnapshotError(.inconsistent, "items.tsv holds \(items.count) items, the manifest says \(manifest.itemCount)")
        }
        var attachments: [String: Data] = [:]
        for a in manifest.attachments {
            let url = try verifiedFile(a.file, in: directory, what: "attachment \(a.name)")
            guard let data = FileManager.default.contents(atPath: url.path) else { throw SnapshotError(.missingFile, "cannot read \(url.path)") }
            attachments[a.name] = data
        }
        return LoadedSnapshot(version: manifest.version, directory: directory, views: views, items: items, itemRowByID: table.rowByID,
                              manifest: manifest, attachments: attachments)
    }

    private func loadView(_ entry: SnapshotManifest.View, in directory: URL) throws(SnapshotError) -> ServedView {
        guard SnapshotWriter.isSafeName(entry.name), entry.dimension > 0, entry.count >= 0 else {
            throw SnapshotError(.inconsistent, "view entry '\(entry.name)' (\(entry.count) × \(entry.dimension)) is invalid")
        }
        let indexURL = try checkedURL(entry.index, in: directory, what: "view \(entry.name) index")
        let index: VectorIndex
        do {
            let mapped = try MappedFile(indexURL)
            try checkSize(mapped.count, entry.index, url: indexURL)
            if verifyChecksums { try checkDigest(mapped.withUnsafeBytes { SHA256.hash($0) }, entry.index, url: indexURL) }
            do { index = try mapped.withUnsafeBytes { try VectorIndex.load(bytes: $0) } } catch {
                let message = (error as? VectorIndexError)?.message ?? "\(error)"
                throw SnapshotError(.corruptIndex, "view \(entry.name): \(indexURL.path): \(message)")
            }
        }
        guard index.dimension == entry.dimension else {
            throw SnapshotError(.inconsistent, "view \(entry.name): index dimension \(index.dimension), manifest says \(entry.dimension)")
        }
        guard index.count == entry.count else {
            throw SnapshotError(.inconsistent, "view \(entry.name): index holds \(index.count) vectors, manifest says \(entry.count)")
        }
        let idsURL = try verifiedFile(entry.ids, in: directory, what: "view \(entry.name) ids")
        let ids = try LineTable.lines(of: idsURL)
        guard ids.count == entry.count else {
            throw SnapshotError(.inconsistent, "view \(entry.name): \(entry.ids.file) holds \(ids.count) ids, manifest says \(entry.count)")
        }
        let keyMap = ViewKeyMap(externalIDs: ids)
        guard keyMap.numeric == entry.numericKeys, index.allIDs() == keyMap.keys else {
            throw SnapshotError(.inconsistent, "view \(entry.name): the index's keys do not match \(entry.ids.file)")
        }
        return ServedView(name: entry.name, kind: entry.kind, index: index, keyMap: keyMap,
                          searchParameters: entry.searchParameters.searchParameters)
    }

    /// The URL of a listed file, after checking it exists.
    private func checkedURL(_ f: SnapshotManifest.FileEntry, in directory: URL, what: String) throws(SnapshotError) -> URL {
        guard !f.file.hasPrefix("/"), !f.file.split(separator: "/").contains("..") else {
            throw SnapshotError(.corruptManifest, "\(what): file name '\(f.file)' leaves the snapshot directory")
        }
        let url = directory.appendingPathComponent(f.file)
        guard DurableFiles.fileSize(url) != nil else { throw SnapshotError(.missingFile, "\(what): \(url.path) is missing") }
        return url
    }

    /// The URL of a listed file whose size and checksum match the manifest.
    private func verifiedFile(_ f: SnapshotManifest.FileEntry, in directory: URL, what: String) throws(SnapshotError) -> URL {
        let url = try checkedURL(f, in: directory, what: what)
        let mapped = try MappedFile(url)
        try checkSize(mapped.count, f, url: url)
        if verifyChecksums { try checkDigest(mapped.withUnsafeBytes { SHA256.hash($0) }, f, url: url) }
        return url
    }

    private func checkSize(_ size: Int, _ f: SnapshotManifest.FileEntry, url: URL) throws(SnapshotError) {
        guard size == f.bytes else {
            throw SnapshotError(.truncated, "\(url.path) holds \(size) bytes, the manifest says \(f.bytes)")
        }
    }

    private func checkDigest(_ digest: SHA256.Digest, _ f: SnapshotManifest.FileEntry, url: URL) throws(SnapshotError) {
        guard digest.hexString == f.sha256.lowercased() else {
            throw SnapshotError(.checksumMismatch, "\(url.path): SHA-256 \(digest.hexString), the manifest says \(f.sha256)")
        }
    }
}
