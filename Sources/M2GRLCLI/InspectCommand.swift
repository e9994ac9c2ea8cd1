import ArgumentParser
import Foundation
import M2GRLDiversity
import Snapshot

/// `m2grl inspect`: prints a snapshot's manifest.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a snapshot's manifest (views, index types, recall, checksums).",
        discussion: "SNAPSHOT is a snapshot directory, or a snapshot root (its current version is shown)."
    )

    @Argument(help: "A snapshot directory or a snapshot root.")
    var snapshot: String

    @Flag(name: .long, help: "Print the manifest as JSON.")
    var json = false

    @Flag(name: .long, help: "Also load every index and verify checksums, sizes and counts.")
    var verify = false

    @Flag(name: .long, help: "List the versions of a snapshot root, marking the current one.")
    var versions = false

    func run() throws {
        let path = URL(fileURLWithPath: snapshot)
        if versions {
            let store = SnapshotStore(root: path)
            var current: String?
            do { current = try store.currentVersion() } catch {
                // Still list the versions: they are what a rollback needs.
                FileHandle.standardError.write(Data("warning: \(error)\n".utf8))
            }
            for v in try store.list() { print((v == current ? "* " : "  ") + v) }
            return
        }
        let directory = try SnapshotStore.snapshotDirectory(for: path)
        let manifest = try SnapshotLoader.readManifest(in: directory)
        print(json ? try manifest.jsonString() : "directory: \(directory.path)\n" + manifest.report)
        if verify {
            let loaded = try LoadedSnapshot.load(from: directory)
            if let json = loaded.attachments[DiversityMetricModel.attachmentName] {
                do { _ = try JSONDecoder().decode(DiversityMetricModel.self, from: json) } catch {
                    throw SnapshotError(.inconsistent, "attachment \(DiversityMetricModel.attachmentName) does not decode: \(error)")
                }
            }
            FileHandle.standardError.write(Data("verified: \(loaded.views.count) views, \(loaded.items.count) items, checksums ok\n".utf8))
        }
    }
}
