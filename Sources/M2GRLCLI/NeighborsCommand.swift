import ArgumentParser
import M2GRLCore
import Foundation
import Snapshot

/// `m2grl neighbors`: nearest neighbours of one id, answered in-process from a snapshot.
struct NeighborsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbors",
        abstract: "Print the k nearest neighbours of an id in one view, with display names and scores."
    )

    @Option(name: .long, help: "A snapshot directory or a snapshot root.")
    var snapshot: String

    @Option(name: .long, help: "The view to search (e.g. item, category).")
    var view = "item"

    @Option(name: .long, help: "The external id whose neighbours to list.")
    var id: String

    @Option(name: .short, help: "How many neighbours.")
    var k = 10

    func run() throws {
        let directory = try SnapshotStore.snapshotDirectory(for: URL(fileURLWithPath: snapshot))
        let snap = try SnapshotLoader(viewNames: [view]).load(from: directory)
        let hits = try snap.neighbors(view: view, externalID: id, k: k)
        let me = snap.item(externalID: id)
        print("\(view) \(id)\(me.map { "  \($0.displayName)\(Self.attributes($0))" } ?? "")  [snapshot \(snap.version)]")
        for (rank, hit) in hits.enumerated() {
            let name = hit.item.map { "  \($0.displayName)\(Self.attributes($0))" } ?? ""
            let id = hit.externalID.count < 8 ? hit.externalID + String(repeating: " ", count: 8 - hit.externalID.count) : hit.externalID
            print(String(format: "%3d  %9.4f  ", rank + 1, hit.score) + id + name)
        }
    }

    private static func attributes(_ item: ItemMetadata) -> String {
        item.attributes.isEmpty ? "" : "  (" + item.attributes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
    }
}
