import Foundation
import Testing
@testable import M2GRLCore

@Suite struct EmbeddingFileFormatTests {
    let table = EmbeddingTable(name: "item", dimension: 3, ids: ["10", "abc", "ü-7"],
                               values: [1, 2, 3, -0.5, 0.25, 1e-3, 7, 8, 9])

    @Test func f32RoundTripAndLayout() throws {
        let data = EmbeddingFileFormat.f32Data(table)
        #expect(Array(data.prefix(4)) == Array("EMBF".utf8))
        #expect(Array(data[4..<16]) == [1, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0])
        #expect(data.count == 16 + 9 * 4 + "10\nabc\nü-7\n".utf8.count)
        let back = try EmbeddingFileFormat.table(fromF32: data, name: "item")
        #expect(back == table)
    }

    @Test func f32Errors() {
        var data = EmbeddingFileFormat.f32Data(table)
        #expect(throws: CoreError.self) { try EmbeddingFileFormat.table(fromF32: data.prefix(20), name: "t") }
        data[4] = 2
        #expect { try EmbeddingFileFormat.table(fromF32: data, name: "t") } throws: { ($0 as? CoreError)?.code == .unsupportedVersion }
        data[4] = 1
        data[0] = 0x58
        #expect { try EmbeddingFileFormat.table(fromF32: data, name: "t") } throws: { ($0 as? CoreError)?.code == .format }
    }

    @Test func word2vecRoundTrip() throws {
        let text = try EmbeddingFileFormat.word2vecText(table)
        #expect(text.hasPrefix("3 3\n10 1.0 2.0 3.0\n"))
        let back = try EmbeddingFileFormat.table(fromWord2Vec: text, name: "item")
        #expect(back == table)
        #expect(throws: CoreError.self) { try EmbeddingFileFormat.table(fromWord2Vec: "2 3\n1 1 2 3\n", name: "t") }
        #expect(throws: CoreError.self) { try EmbeddingFileFormat.table(fromWord2Vec: "1 3\n1 1 x 3\n", name: "t") }
    }

    @Test func modelBundleRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = ModelBundle(tables: [table], items: [ItemMetadata(id: "10", displayName: "Toy\tStory", attributes: ["category": "Comedy"])],
                                 configuration: ["dimension": "3"], metrics: ["valid.recall@50": 0.3])
        try bundle.write(to: dir)
        let back = try ModelBundle.read(from: dir)
        #expect(back.tables == [table])
        #expect(back.items == [ItemMetadata(id: "10", displayName: "Toy Story", attributes: ["category": "Comedy"])])
        #expect(back.metrics["valid.recall@50"] == 0.3)
    }
}
