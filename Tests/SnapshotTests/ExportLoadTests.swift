import Foundation
import M2GRLCore
import Testing
import VectorIndex
@testable import Snapshot

@Suite struct ExportLoadTests {
    /// Flat views: every search through the loaded snapshot equals brute force over the bundle's tables.
    @Test func exportThenLoadMatchesBruteForce() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let bundle = TestSupport.bundle(attachments: ["notes.json": Data("{\"L\":[1,2]}".utf8)])
        let store = SnapshotStore(root: root)
        let version = try store.publish(bundle)
        #expect(try store.currentVersion() == version)
        let snap = try store.loadCurrent()
        #expect(snap.version == version)
        #expect(snap.viewNames == ["category", "item", "rel.category.item"])
        #expect(snap.items == bundle.items)
        #expect(snap.attachments["notes.json"] == bundle.attachments["notes.json"])
        #expect(snap.attachments.count == 1)
        let manifest = try #require(snap.manifest)
        #expect(manifest.dataWindow == bundle.dataWindow)
        #expect(manifest.metrics == bundle.metrics)
        #expect(manifest.configuration == bundle.configuration)

        for table in bundle.tables {
            let view = try #require(snap.view(named: table.name))
            let entry = try #require(manifest.view(named: table.name))
            #expect(view.kind == table.kind && view.count == table.count && view.dimension == table.dimension)
            #expect(entry.factory == "Flat" && entry.recall == 1.0 && entry.metric == "inner_product")
            #expect(entry.recallQueries == min(1000, table.count))
            #expect(view.keyMap.numeric == (table.name != "category"))
            for row in stride(from: 0, to: table.count, by: max(1, table.count / 25)) {
                let expected = TestSupport.bruteForce(table, query: table.row(row), k: 10)
                let got = try view.index.search(Array(table.row(row)), k: 10, parameters: view.searchParameters)
                let hits = got.neighbors(ofQuery: 0)
                #expect(hits.count == expected.count)
                for (h, e) in zip(hits, expected) {
                    #expect(abs(h.score - e.score) <= 1e-4 * max(1, abs(e.score)))
                    // Same id unless two scores tie.
                    if view.keyMap.externalID(forKey: h.id) != table.ids[e.row] {
                        let tieScore = TestSupport.bruteForce(table, query: table.row(row), k: table.count)
                            .first { table.ids[$0.row] == view.keyMap.externalID(forKey: h.id) }?.score
                        #expect(tieScore.map { abs($0 - e.score) <= 1e-4 } == true)
                    }
                }
            }
        }
        // Stored vectors come back bit-exact, keyed by external id.
        let item = try #require(bundle.table(named: "item"))
        let served = try #require(snap.view(named: "item"))
        let key = try #require(served.keyMap.key(forExternalID: "42"))
        #expect(key == 42)
        #expect(try served.index.reconstruct(id: key) == Array(item.row(41)))
        let category = try #require(snap.view(named: "category"))
        #expect(category.keyMap.key(forExternalID: "genre-3") == 3)
    }

    /// Approximate views (IVF, HNSW) record their factory, tuned parameters and measured recall,
    /// and the loaded snapshot reproduces that recall.
    @Test(arguments: ["IVF", "HNSW16"])
    func approximateViewsRecordRecall(factory: String) throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        var config = ExportConfiguration()
        config.flatMaxCount = 100
        config.largeFactory = factory
        config.recallFloor = 0.9
        config.recallQueries = 300
        config.nprobe = 1
        config.efSearch = 8
        let bundle = ModelBundle(tables: [TestSupport.clusteredTable(name: "item", count: 4000, dimension: 16, clusters: 40)], items: [])
        let store = SnapshotStore(root: root)
        try store.publish(bundle, configuration: config)
        let snap = try store.loadCurrent()
        let entry = try #require(snap.manifest?.view(named: "item"))
        let view = try #require(snap.view(named: "item"))
        #expect(entry.recall >= 0.9 && entry.recall <= 1)
        #expect(entry.recallQueries == 300 && entry.recallK == 10)
        if factory == "IVF" {
            #expect(entry.factory == "IVF64,Flat")
            #expect(entry.indexKind == .ivf && view.index.kind == .ivf)
            #expect(entry.searchParameters.nlist == 64)
            #expect((entry.searchParameters.nprobe ?? 0) >= 1)
            #expect(view.searchParameters.nprobe == entry.searchParameters.nprobe)
        } else {
            #expect(entry.indexKind == .hnsw && entry.searchParameters.efConstruction == 40)
            #expect(view.searchParameters.efSearch == entry.searchParameters.efSearch)
        }
        // Re-measure recall on the loaded index with the recorded parameters.
        let table = bundle.tables[0]
        let meter = try RecallMeter(table: table, keyMap: view.keyMap, queries: 300, k: 10, seed: config.seed)
        let again = try meter.measure(view.index, parameters: view.searchParameters)
        #expect(abs(again.recall - entry.recall) < 1e-9)
        // The tuned parameters are also the loaded index's own defaults (Debian's Faiss ignores
        // a per-call HNSW efSearch, so this is what actually governs HNSW searches).
        let byDefault = try meter.measure(view.index, parameters: SearchParameters())
        #expect(abs(byDefault.recall - entry.recall) < 1e-9)
        #expect(view.index.parameter("efSearch") == entry.searchParameters.efSearch)
        #expect(view.index.parameter("nprobe") == entry.searchParameters.nprobe)
    }

    /// Below the floor, publishing is refused and the previous current stays.
    @Test func recallBelowFloorRefusesToPublish() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        let first = try store.publish(TestSupport.bundle(items: 200))
        var config = ExportConfiguration()
        config.flatMaxCount = 100
        config.largeFactory = "IVF"
        config.nprobe = 1
        config.tuneSearchParameters = false
        config.recallFloor = 0.999
        // Uniform noise has no cluster structure: one of 64 lists finds few true neighbours.
        let noise = TestSupport.clusteredTable(name: "item", count: 4000, dimension: 32, clusters: 4000)
        #expect {
            try store.publish(ModelBundle(tables: [noise], items: []), configuration: config)
        } throws: { ($0 as? SnapshotError)?.code == .recallBelowFloor }
        #expect(try store.currentVersion() == first)
        #expect(try store.list() == [first])
        #expect(try store.cleanUpLeftovers().isEmpty)
    }

    @Test func nonFiniteMetricsAreLeftOut() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        var bundle = TestSupport.bundle(items: 50, dimension: 4)
        bundle.metrics = ["loss": .nan, "valid.recall@50": 0.3]
        let store = SnapshotStore(root: root)
        try store.publish(bundle)
        #expect(try store.loadCurrent().manifest?.metrics == ["valid.recall@50": 0.3])
    }

    @Test func neighborsResolveDisplayNames() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let bundle = TestSupport.bundle(items: 300)
        let store = SnapshotStore(root: root)
        try store.publish(bundle)
        let snap = try store.loadCurrent()
        let hits = try snap.neighbors(view: "item", externalID: "7", k: 5)
        #expect(hits.count == 5)
        #expect(!hits.contains { $0.externalID == "7" })
        let expected = TestSupport.bruteForce(bundle.tables[0], query: bundle.tables[0].row(6), k: 6).filter { $0.row != 6 }.prefix(5)
        #expect(hits.map(\.externalID) == expected.map { bundle.tables[0].ids[$0.row] })
        #expect(hits.allSatisfy { $0.item?.displayName.hasPrefix("Movie ") == true })
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect { try snap.neighbors(view: "item", externalID: "nope", k: 5) } throws: { ($0 as? SnapshotError)?.code == .notFound }
        #expect { try snap.neighbors(view: "shop", externalID: "7", k: 5) } throws: { ($0 as? SnapshotError)?.code == .notFound }
    }

    @Test func invalidBundlesAreRejected() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        let t = TestSupport.clusteredTable(name: "item", count: 10, dimension: 4)
        let dup = EmbeddingTable(name: "item", dimension: 4, ids: (0..<10).map { $0 == 3 ? "1" : String($0 + 1) }, values: t.values)
        var nan = t
        nan.values[5] = .nan
        let cases: [ModelBundle] = [
            ModelBundle(tables: [], items: []),
            ModelBundle(tables: [t, t], items: []),
            ModelBundle(tables: [dup], items: []),
            ModelBundle(tables: [nan], items: []),
            ModelBundle(tables: [EmbeddingTable(name: "../evil", dimension: 4, ids: t.ids, values: t.values)], items: []),
            ModelBundle(tables: [t], items: [], attachments: ["../x": Data()]),
            // Diversity parts that do not fit together (ModelBundle.validateDiversity): a metric
            // table without its model, and a model attachment that does not decode.
            ModelBundle(tables: [t, EmbeddingTable(name: "diversity", dimension: 4, ids: t.ids, values: t.values)], items: []),
            ModelBundle(tables: [t], items: [], attachments: ["diversity.json": Data("{not json".utf8)]),
        ]
        for b in cases {
            #expect { try store.publish(b) } throws: { ($0 as? SnapshotError)?.code == .invalidBundle }
        }
        #expect(try store.currentVersion() == nil)
        #expect(try store.list().isEmpty)
    }
}

@Suite struct ItemMetadataRoundTripTests {
    /// The loader's byte-level items reader agrees with `ItemMetadataFile` on awkward content.
    @Test func unicodeEmptyAttributesAndCleanedSeparators() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let items = [
            ItemMetadata(id: "1", displayName: "Amélie (2001) — 東京", attributes: ["genre": "Comedy|Romance"]),
            ItemMetadata(id: "2", displayName: "", attributes: [:]),
            ItemMetadata(id: "3", displayName: "Tab\there", attributes: ["shop": "s1", "genre": ""]),
        ]
        let table = TestSupport.clusteredTable(name: "item", count: 3, dimension: 4)
        let store = SnapshotStore(root: root)
        try store.publish(ModelBundle(tables: [table], items: items))
        let loaded = try store.loadCurrent().items
        let reference = try ItemMetadataFile.read(from: root.appendingPathComponent("current/items.tsv"))
        #expect(loaded == reference)
        #expect(loaded[0] == items[0] && loaded[1] == items[1])
        #expect(loaded[2].displayName == "Tab here" && loaded[2].attributes == ["shop": "s1"])
    }
}

@Suite struct SelectiveLoadTests {
    @Test func loadsOnlyTheViewsAsked() throws {
        let root = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        let version = try store.publish(TestSupport.bundle(items: 100, dimension: 8))
        let dir = root.appendingPathComponent(version)
        let one = try SnapshotLoader(includeItems: false, viewNames: ["category"]).load(from: dir)
        #expect(one.viewNames == ["category"] && one.items.isEmpty)
        #expect { try SnapshotLoader(viewNames: ["shop"]).load(from: dir) } throws: { ($0 as? SnapshotError)?.code == .notFound }
        // A damaged view that is not asked for does not matter; asked for, it does.
        try Data("junk".utf8).write(to: dir.appendingPathComponent("views/item.faiss"))
        #expect(try SnapshotLoader(viewNames: ["category"]).load(from: dir).items.count == 100)
        #expect { try SnapshotLoader(viewNames: ["item"]).load(from: dir) } throws: { ($0 as? SnapshotError)?.code == .truncated }
    }
}
