import ArgumentParser
import Foundation
import M2GRLCore
import Snapshot

/// `m2grl export`: builds Faiss indexes for every table of a model bundle and publishes them as a snapshot.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trained model bundle into a new snapshot version and make it current.",
        discussion: """
            Builds one inner-product index per table (Flat for small views, IVF/HNSW for large ones, \
            as --config says), measures recall@10 against exact search, refuses to publish below the \
            configured floor, and switches ROOT/current atomically. Interrupted runs leave the previous \
            current intact; their leftovers are removed by the next export.
            """
    )

    @Option(name: .long, help: "The model bundle directory (model.json, tables/, items.tsv).")
    var bundle: String

    @Option(name: .long, help: "The snapshot root (holds versions and the current pointer).")
    var snapshots: String

    @Option(name: .long, help: "Export configuration (TOML).")
    var config: String?

    @Option(name: .long, help: "Keep only this many newest versions (the current one is always kept).")
    var keep: Int?

    @Flag(name: .long, help: "Print nothing but the new version.")
    var quiet = false

    func run() throws {
        let quiet = self.quiet
        let configuration = try config.map { try ExportConfiguration.load(from: URL(fileURLWithPath: $0)) } ?? ExportConfiguration()
        let readStart = Date()
        let model = try ModelBundle.read(from: URL(fileURLWithPath: bundle))
        if !quiet {
            let line = String(format: "read bundle %@: %d tables, %d items in %.2f s\n", bundle, model.tables.count, model.items.count, Date().timeIntervalSince(readStart))
            FileHandle.standardError.write(Data(line.utf8))
        }
        let store = SnapshotStore(root: URL(fileURLWithPath: snapshots))
        let version = try store.publish(model, configuration: configuration, keep: keep) { line in
            if !quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        print(version)
    }
}
