import Foundation
import M2GRLCore
import Snapshot

/// Publishes a one-view snapshot (view `item`) from a `.f32` vector file, e.g. the peers' dataset,
/// through the normal exporter (index build, recall check and tuning, atomic `current` switch).
public enum SyntheticSnapshot {
    /// Returns the new snapshot version under `root`.
    public static func publish(vectors: URL, root: URL, factory: String, efSearch: Int?, nprobe: Int?,
                               efConstruction: Int? = nil, recallFloor: Double = 0.95, progress: @escaping @Sendable (String) -> Void) throws -> String {
        var table = try EmbeddingFileFormat.read(from: vectors, name: "item")
        table.name = "item"
        var configuration = ExportConfiguration()
        configuration.views["item"] = ExportConfiguration.ViewOverride(factory: factory, efSearch: efSearch, efConstruction: efConstruction,
                                                                         nprobe: nprobe, recallFloor: recallFloor)
        configuration.threads = ProcessInfo.processInfo.activeProcessorCount
        let bundle = ModelBundle(tables: [table], items: [], configuration: ["source": vectors.path, "factory": factory])
        return try SnapshotStore(root: root).publish(bundle, configuration: configuration, keep: 2, progress: progress)
    }
}
