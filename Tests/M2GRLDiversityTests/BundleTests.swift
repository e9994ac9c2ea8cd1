import Foundation
@testable import M2GRLDiversity
import M2GRLCore
import Testing

/// The model travels inside a ModelBundle: metric tables plus `diversity.json`.
@Suite struct BundleTests {
    static func bundle(d: Int = 5, n: Int = 12) throws -> ModelBundle {
        var rng = SeededGenerator(seed: 4)
        let items = EmbeddingTable(name: "item", kind: .view, dimension: d, ids: (1...n).map { "\($0)" },
                                   values: (0..<(n * d)).map { _ in Float(rng.nextGaussian()) })
        let w = EmbeddingTable(name: "W.category", kind: .relational, dimension: d, ids: (0..<d).map { "\($0)" },
                               values: (0..<(d * d)).map { _ in Float(rng.nextGaussian()) })
        return ModelBundle(tables: [items, w], items: (1...n).map { ItemMetadata(id: "\($0)", displayName: "item \($0)") })
    }

    @Test func attachWriteReadRoundTrip() throws {
        var bundle = try Self.bundle()
        let (items, w) = try bundle.diversityInputs(DiversityConfiguration())
        let features = try DiversityFeatures(itemTable: items, alignment: w)
        let model = try DiversityMetricModel(itemFactor: Fixtures.randomMatrix(rows: 3, columns: 5, seed: 1),
                                             relationalFactor: Fixtures.randomMatrix(rows: 3, columns: 5, seed: 2), alignment: w, margin: 1.5)
        try bundle.attachDiversity(model, features: features)
        try bundle.attachDiversity(model, features: features)  // replacing, not duplicating
        #expect(bundle.tables.map(\.name) == ["item", "W.category", "diversity", "diversity.query"])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diversity-bundle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try bundle.write(to: dir)
        let back = try ModelBundle.read(from: dir)
        let restored = try #require(try back.diversityModel())
        #expect(restored == model)
        let stored = try #require(back.table(named: "diversity"))
        #expect(stored.kind == .metric && stored.dimension == 8 && stored.count == 12)
        #expect(stored == (try model.storedVectors(for: features)))
        let query = try #require(back.table(named: "diversity.query"))
        #expect(query.kind == .metric && query.dimension == 6)
        // The restored model rebuilds the query from an item vector alone.
        let q = try restored.queryVector(forItemVector: Array(items.row(4)))
        let expected = try DiversityMetricModel.queryVector(fromProjected: query.row(4))
        for (x, y) in zip(q, expected) { #expect(abs(x - y) <= 1e-5 * max(1, abs(y))) }
        let json = try #require(back.attachments["diversity.json"])
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["p"] as? Int == 3 && object["d"] as? Int == 5 && object["relation"] as? String == "category")
    }

    @Test func missingInputsAreTypedErrors() throws {
        var config = DiversityConfiguration()
        config.relation = "shop"
        #expect(throws: DiversityError.self) { try Self.bundle().diversityInputs(config) }
        config = DiversityConfiguration()
        config.itemTable = "nope"
        #expect(throws: DiversityError.self) { try Self.bundle().diversityInputs(config) }
        #expect(try Self.bundle().diversityModel() == nil)
    }

    @Test func corruptAttachmentIsATypedError() throws {
        var bundle = try Self.bundle()
        bundle.attachments["diversity.json"] = Data("{\"format_version\": 1, \"p\": 2}".utf8)
        #expect(throws: DiversityError.self) { try bundle.diversityModel() }
        bundle.attachments["diversity.json"] = Data("""
        {"format_version":1,"p":1,"d":1,"d_relational":1,"margin":1,"relation":"category","item_table":"item",
         "L_i":{"rows":1,"columns":1,"values":[1,2]},"L_ic":{"rows":1,"columns":1,"values":[1]},"W":{"rows":1,"columns":1,"values":[1]}}
        """.utf8)
        #expect(throws: DiversityError.self) { try bundle.diversityModel() }
        bundle.attachments["diversity.json"] = Data("""
        {"format_version":99,"p":1,"d":1,"d_relational":1,"margin":1,"relation":"category","item_table":"item",
         "L_i":{"rows":1,"columns":1,"values":[1]},"L_ic":{"rows":1,"columns":1,"values":[1]},"W":{"rows":1,"columns":1,"values":[1]}}
        """.utf8)
        #expect(throws: DiversityError.self) { try bundle.diversityModel() }
    }

    @Test func featuresFollowRequestedRowOrder() throws {
        let bundle = try Self.bundle()
        let (items, w) = try bundle.diversityInputs(DiversityConfiguration())
        let f = try DiversityFeatures(itemTable: items, alignment: w, rowIDs: ["<pad>", "3", "missing", "1"])
        #expect(f.available == [false, true, false, true])
        #expect(Array(f.itemVector(1)) == Array(items.row(2)))
        #expect(f.availableRows == [1, 3])
        for x in f.relationalVector(3) { #expect(x > 0 && x < 1) }
        #expect(f.relationalVector(0).allSatisfy { $0 == 0 })
    }
}
