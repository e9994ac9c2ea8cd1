import Foundation
import M2GRLCore
import M2GRLDiversity
import VectorIndex

/// Writes a snapshot directory from a trained `ModelBundle`: one index and id file per
/// table, item metadata, attachments and the manifest, every file fsynced.
///
/// The writer does not publish; `SnapshotStore.publish` runs it inside a temporary
/// directory and renames the result into place.
public struct SnapshotWriter: Sendable {
    public var configuration: ExportConfiguration

    public init(configuration: ExportConfiguration = ExportConfiguration()) {
        self.configuration = configuration
    }

    /// Exports `bundle` into the (existing, empty) `directory` under `version`.
    ///
    /// - Parameters:
    ///   - progress: receives human-readable progress lines.
    ///   - checkpoint: called after each durable step (the publisher's crash-test hook).
    /// - Returns: the manifest written.
    @discardableResult
    public func write(_ bundle: ModelBundle, version: String, into directory: URL,
                      progress: @Sendable (String) -> Void = { _ in },
                      checkpoint: (PublishStep) -> Void = { _ in }) throws(SnapshotError) -> SnapshotManifest {
        try Self.checkDiversity(bundle)
        return try write(diversityChecked: bundle, version: version, into: directory, progress: progress, checkpoint: checkpoint)
    }

    /// `write` for a bundle whose diversity parts are already checked (`SnapshotStore.publish`
    /// checks them before it creates anything).
    func write(diversityChecked bundle: ModelBundle, version: String, into directory: URL,
               progress: @Sendable (String) -> Void, checkpoint: (PublishStep) -> Void) throws(SnapshotError) -> SnapshotManifest {
        let start = Date()
        // Parameter tables (alignment matrices) travel as attachments: they are not searchable sets.
        var bundle = bundle
        for t in bundle.tables where t.kind == .parameter { bundle.attachments["\(t.name).f32"] = EmbeddingFileFormat.f32Data(t) }
        bundle.tables.removeAll { $0.kind == .parameter }
        try validate(bundle)
        let viewsDir = directory.appendingPathComponent("views")
        try DurableFiles.makeDirectory(viewsDir)
        var views: [SnapshotManifest.View] = []
        for table in bundle.tables {
            let plan = configuration.plan(view: table.name, count: table.count)
            let built = try ViewIndexBuilder.build(table, plan: plan, configuration: configuration, progress: progress)
            let writeStart = Date()
            let indexFile = "views/\(table.name).faiss", idsFile = "views/\(table.name).ids"
            let indexURL = directory.appendingPathComponent(indexFile)
            do { try built.index.save(to: indexURL) } catch {
                throw SnapshotError(.io, "view \(table.name): cannot write \(indexFile): \(error.message)")
            }
            try DurableFiles.fsyncPath(indexURL)
            let (indexSHA, indexBytes) = try DurableFiles.checksum(of: indexURL)
            var idsText = table.ids.joined(separator: "\n")
            idsText.append("\n")
            let idsData = Data(idsText.utf8)
            try DurableFiles.write(idsData, to: directory.appendingPathComponent(idsFile))
            let idsSHA = idsData.withUnsafeBytes { SHA256.hash($0) }.hexString
            views.append(SnapshotManifest.View(
                name: table.name, kind: table.kind, dimension: table.dimension, count: table.count,
                metric: "inner_product", factory: built.factory, indexKind: built.index.kind,
                searchParameters: built.parameters, numericKeys: built.keyMap.numeric,
                index: .init(file: indexFile, bytes: indexBytes, sha256: indexSHA),
                ids: .init(file: idsFile, bytes: idsData.count, sha256: idsSHA),
                recall: built.recall.recall, recallK: built.recall.k, recallQueries: built.recall.queries,
                buildSeconds: built.buildSeconds))
            progress("export \(table.name): index and ids written, fsynced and checksummed in \(ViewIndexBuilder.fmt(Date().timeIntervalSince(writeStart))) s")
            checkpoint(.viewWritten)
        }
        try DurableFiles.fsyncPath(viewsDir)

        let itemsStart = Date()
        let itemsURL = directory.appendingPathComponent("items.tsv")
        do { try ItemMetadataFile.write(bundle.items, to: itemsURL) } catch {
            throw SnapshotError(.io, "cannot write items.tsv: \(error)")
        }
        try DurableFiles.fsyncPath(itemsURL)
        let (itemsSHA, itemsBytes) = try DurableFiles.checksum(of: itemsURL)

        var attachments: [SnapshotManifest.Attachment] = []
        if !bundle.attachments.isEmpty {
            let dir = directory.appendingPathComponent("attachments")
            try DurableFiles.makeDirectory(dir)
            for (name, data) in bundle.attachments.sorted(by: { $0.key < $1.key }) {
                let file = "attachments/\(name)"
                try DurableFiles.write(data, to: directory.appendingPathComponent(file))
                let sha = data.withUnsafeBytes { SHA256.hash($0) }.hexString
                attachments.append(.init(name: name, file: .init(file: file, bytes: data.count, sha256: sha)))
            }
            try DurableFiles.fsyncPath(dir)
        }
        progress("export: \(bundle.items.count) items and \(attachments.count) attachments written in \(ViewIndexBuilder.fmt(Date().timeIntervalSince(itemsStart))) s")
        checkpoint(.itemsWritten)

        for (name, value) in bundle.metrics where !value.isFinite {
            progress("export: metric \(name) = \(value) is not finite; left out of the manifest")
        }
        let manifest = SnapshotManifest(
            formatVersion: SnapshotManifest.currentFormatVersion, version: version,
            createdAt: ISO8601DateFormatter().string(from: Date()), dataWindow: bundle.dataWindow,
            configuration: bundle.configuration, metrics: bundle.metrics.filter { $0.value.isFinite }, views: views,
            items: .init(file: "items.tsv", bytes: itemsBytes, sha256: itemsSHA), itemCount: bundle.items.count,
            attachments: attachments,
            export: .init(recallFloor: configuration.recallFloor, flatMaxCount: configuration.flatMaxCount,
                          totalSeconds: Date().timeIntervalSince(start)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do { json = try encoder.encode(manifest) } catch { throw SnapshotError(.io, "cannot encode manifest: \(error)") }
        try DurableFiles.write(json, to: directory.appendingPathComponent(SnapshotLoader.manifestFile))
        try DurableFiles.fsyncPath(directory)
        checkpoint(.manifestWritten)
        return manifest
    }

    /// Refuses diversity parts that do not fit together (`ModelBundle.validateDiversity`): a
    /// server would answer every DIVERSE request with `model_unavailable`. Checked by every
    /// exporter (`m2grl export`, the rebuild tool), before `SnapshotStore.publish` creates anything.
    static func checkDiversity(_ bundle: ModelBundle) throws(SnapshotError) {
        do { try bundle.validateDiversity() } catch {
            throw SnapshotError(.invalidBundle, (error as? DiversityError)?.message ?? "\(error)")
        }
    }

    private func validate(_ bundle: ModelBundle) throws(SnapshotError) {
        guard !bundle.tables.isEmpty else { throw SnapshotError(.invalidBundle, "the bundle has no tables") }
        var names = Set<String>()
        for t in bundle.tables {
            guard Self.isSafeName(t.name) else {
                throw SnapshotError(.invalidBundle, "table name '\(t.name)' must use letters, digits, '.', '_' or '-'")
            }
            guard names.insert(t.name).inserted else { throw SnapshotError(.invalidBundle, "table '\(t.name)' appears twice") }
        }
        for name in bundle.attachments.keys where !Self.isSafeName(name) {
            throw SnapshotError(.invalidBundle, "attachment name '\(name)' must use letters, digits, '.', '_' or '-'")
        }
        var itemIDs = Set<String>()
        for item in bundle.items where !itemIDs.insert(item.id).inserted {
            throw SnapshotError(.invalidBundle, "item '\(item.id)' appears twice in the metadata")
        }
    }

    /// A file-name-safe name: letters, digits, '.', '_', '-', not starting with '.'.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}

/// The durable steps of a publish, in order. `SnapshotStore` can stop the process at any
/// of them (the crash test sets `M2GRL_CRASH_AT` to a step's raw value).
public enum PublishStep: String, Sendable, CaseIterable {
    /// The temporary directory exists.
    case tempCreated = "temp-created"
    /// A view's index and id files are written (fires once per view).
    case viewWritten = "view-written"
    /// Item metadata and attachments are written.
    case itemsWritten = "items-written"
    /// The manifest is written and the directory fsynced.
    case manifestWritten = "manifest-written"
    /// The directory has been renamed to its version name.
    case renamed
    /// The new `current` symlink exists under a temporary name.
    case pointerStaged = "pointer-staged"
    /// `current` points to the new version.
    case switched
}
