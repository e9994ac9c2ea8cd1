import Foundation
import Testing
@testable import Snapshot

@Suite struct ExportConfigurationTests {
    @Test func parsesTheShippedConfig() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/export.toml")
        let c = try ExportConfiguration.load(from: url)
        #expect(c.flatMaxCount == 200_000 && c.largeFactory == "IVF" && c.recallFloor == 0.95 && c.recallQueries == 1000)
        #expect(c.plan(view: "item", count: 1_000).factory == "Flat")
        #expect(c.plan(view: "item", count: 1_000_000).factory == "IVF1024,Flat")
    }

    @Test func perViewOverrides() throws {
        let c = try ExportConfiguration.parse("""
            [index]
            flat_max_count = 10   # tiny
            [recall]
            floor = 0.8
            [views.item]
            factory = "HNSW32"
            ef_search = 128
            [views.rel.category.item]
            recall_floor = 0.5
            """)
        #expect(c.plan(view: "item", count: 5) == IndexPlan(factory: "HNSW32", efSearch: 128, efConstruction: 40, nprobe: 16, recallFloor: 0.8))
        #expect(c.plan(view: "rel.category.item", count: 5000).recallFloor == 0.5)
        #expect(c.plan(view: "rel.category.item", count: 5000).factory == "IVF64,Flat")
        #expect(c.plan(view: "category", count: 5).factory == "Flat")
    }

    @Test(arguments: [
        "[index]\nflat_max_count = \"many\"",
        "[index]\nunknown = 1",
        "[recall]\nfloor = 1.5",
        "[index\nnprobe = 4",
        "nprobe 4",
        "[index]\nnprobe = 4\nnprobe = 5",
        "[views.item]\ncolour = \"red\"",
        "[recall]\ntune_search_parameters = 1",
    ])
    func malformedConfigIsATypedError(text: String) {
        #expect { try ExportConfiguration.parse(text) } throws: { ($0 as? SnapshotError)?.code == .invalidConfiguration }
    }

    @Test func listCountFollowsSize() {
        #expect(ExportConfiguration.defaultListCount(1_000_000) == 1024)
        #expect(ExportConfiguration.defaultListCount(4_000) == 64)
        #expect(ExportConfiguration.defaultListCount(100) == 2)
        #expect(ExportConfiguration.defaultListCount(10_000_000) == 4096)
    }
}

@Suite struct ViewKeyMapTests {
    @Test func numericIDsAreTheirOwnKeys() {
        let m = ViewKeyMap(externalIDs: ["10", "3", "007"])
        #expect(m.numeric && m.keys == [10, 3, 7])
        #expect(m.key(forExternalID: "007") == 7)
        #expect(m.key(forExternalID: "7") == nil)
        #expect(m.key(forExternalID: "11") == nil && m.key(forExternalID: "x") == nil)
        #expect(m.externalID(forKey: 3) == "3" && m.row(forKey: 10) == 0 && m.externalID(forKey: 4) == nil)
    }

    @Test(arguments: [["a", "1"], ["1", "01"], ["5", "5x"]])
    func otherwiseRowNumbers(ids: [String]) {
        let m = ViewKeyMap(externalIDs: ids)
        #expect(!m.numeric && m.keys == [0, 1])
        #expect(m.key(forExternalID: ids[1]) == 1 && m.externalID(forKey: 0) == ids[0])
    }
}
