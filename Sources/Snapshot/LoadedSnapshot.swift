import Foundation
import M2GRLCore

/// A snapshot in memory, ready to serve: named views and item metadata.
///
/// Immutable once built, so any number of threads may search it; a server
/// swaps whole `LoadedSnapshot`s on reload and frees the old one when its last
/// in-flight search releases it.
public final class LoadedSnapshot: Sendable {
    /// The snapshot version (directory name, e.g. "20261126T031000.250Z-3f9a1c").
    public let version: String
    /// Where it was loaded from, if from disk.
    public let directory: URL?
    /// Views by name.
    public let views: [String: ServedView]
    /// Item metadata in item-view row order.
    public let items: [ItemMetadata]
    /// The manifest it was loaded from (nil when built in memory).
    public let manifest: SnapshotManifest?
    /// Extra model files by name (e.g. "diversity.json" for the diversity model), verified.
    public let attachments: [String: Data]
    private let itemRowByID: [String: Int]

    public convenience init(version: String, directory: URL? = nil, views: [ServedView], items: [ItemMetadata],
                            manifest: SnapshotManifest? = nil, attachments: [String: Data] = [:]) {
        var rows: [String: Int] = [:]
        for (i, it) in items.enumerated() { rows[it.id] = i }
        self.init(version: version, directory: directory, views: views, items: items, itemRowByID: rows,
                  manifest: manifest, attachments: attachments)
    }

    /// With the row-by-id map already built (the loader builds it while parsing items.tsv).
    init(version: String, directory: URL?, views: [ServedView], items: [ItemMetadata], itemRowByID: [String: Int],
         manifest: SnapshotManifest?, attachments: [String: Data]) {
        self.version = version
        self.directory = directory
        self.manifest = manifest
        self.attachments = attachments
        var byName: [String: ServedView] = [:]
        for v in views { byName[v.name] = v }
        self.views = byName
        self.items = items
        self.itemRowByID = itemRowByID
    }

    /// The view with this name.
    public func view(named name: String) -> ServedView? { views[name] }

    /// View names, sorted.
    public var viewNames: [String] { views.keys.sorted() }

    /// Metadata of an item by external id.
    public func item(externalID id: String) -> ItemMetadata? { itemRowByID[id].map { items[$0] } }
}

extension LoadedSnapshot {
    /// Loads and verifies a snapshot directory (see `SnapshotLoader`).
    public static func load(from directory: URL, verifyChecksums: Bool = true) throws(SnapshotError) -> LoadedSnapshot {
        try SnapshotLoader(verifyChecksums: verifyChecksums).load(from: directory)
    }
}
