import Foundation
import M2GRLCore
import Snapshot
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Serving snapshots published on disk: `current` under a root, explicit version paths, and a
/// RELOAD after a new publish.
@Suite struct SnapshotDirectoryTests {
    static func bundle(seed: UInt64) -> ModelBundle {
        var rng = FixtureRNG(state: seed)
        let items = 400
        let item = EmbeddingTable(name: "item", dimension: 8, ids: (1...items).map(String.init),
                                  values: (0..<(items * 8)).map { _ in Float.random(in: -1...1, using: &rng) })
        let genres = ["Action", "Comedy", "Drama", "Horror"]
        let genre = EmbeddingTable(name: "genre", dimension: 8, ids: genres,
                                   values: (0..<(genres.count * 8)).map { _ in Float.random(in: -1...1, using: &rng) })
        let meta = (1...items).map { ItemMetadata(id: String($0), displayName: "Film \($0) #\(seed)") }
        return ModelBundle(tables: [item, genre], items: meta)
    }

    @Test func servesCurrentAndReloadsAfterPublish() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-wire-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        let first = try store.publish(Self.bundle(seed: 1))
        let loader = SnapshotDirectoryLoader.loader(configuredPath: root.path)
        let initial = try loader(.current)
        #expect(initial.version == first)
        let server = try Fixture.server(Fixture.configuration { $0.adminToken = "t" }, snapshot: initial, loader: loader)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        #expect(client.hello.snapshotVersion == first)
        let reply = try client.topK(TopKRequest(view: "item", k: 5, queries: .ids([50])), flags: [.includeNames, .excludeQueryItems])
        let view = try #require(initial.view(named: "item"))
        let expected = try Fixture.expected(view, vectors: view.index.reconstruct(id: 50), k: 6)[0]
        let kept = zip(expected.ids, expected.scores).filter { $0.0 != 50 }.prefix(5)
        #expect(reply.results[0].ids == kept.map(\.0))
        #expect(reply.results[0].scores == kept.map(\.1))
        #expect(reply.results[0].names?.first?.displayName == "Film \(kept.first!.0) #1")

        usleep(1_100_000) // versions are named by the second
        let second = try store.publish(Self.bundle(seed: 2))
        #expect(try client.reload(token: "t") == ReloadReply(previousVersion: first, newVersion: second))
        #expect(try client.info().snapshotVersion == second)
        // An explicit version directory, then a path that is no snapshot.
        #expect(try client.reload(token: "t", target: root.appendingPathComponent(first).path).newVersion == first)
        #expect { try client.reload(token: "t", target: root.appendingPathComponent("nope").path) } throws: {
            ($0 as? RPCClientError)?.serverCode == .reloadFailed
        }
        #expect(try client.info().snapshotVersion == first)
    }
}
