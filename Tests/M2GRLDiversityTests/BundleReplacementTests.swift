import Foundation
@testable import M2GRLDiversity
import M2GRLCore
import Testing

/// Writing back into an existing bundle never leaves a mix of old and new files.
@Suite struct BundleReplacementTests {
    static func table(_ name: String, value: Float) -> EmbeddingTable {
        EmbeddingTable(name: name, kind: .view, dimension: 2, ids: ["a", "b"], values: [value, value, value, value])
    }

    @Test func aFailedWriteLeavesTheOldBundleWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-replace-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("model")
        let old = ModelBundle(tables: [Self.table("item", value: 1)], items: [ItemMetadata(id: "a", displayName: "a")])
        try old.write(to: target)
        try Data("keep me".utf8).write(to: target.appendingPathComponent("training.jsonl"))

        // The second table's name is refused after the first table was written (to staging).
        let bad = ModelBundle(tables: [Self.table("item", value: 2), Self.table("bad name", value: 2)], items: [])
        #expect(throws: (any Error).self) { try BundleReplacement.write(bad, to: target) }
        #expect(try ModelBundle.read(from: target).table(named: "item")?.values == [1, 1, 1, 1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model"])

        // A rename failing midway (here before model.json, the last file) undoes the swaps done
        // so far: the old tables, model.json and the other files are all back.
        var failing = old
        failing.tables = [Self.table("item", value: 5), Self.table("diversity", value: 5)]
        failing.attachments["diversity.json"] = Data("{}".utf8)
        struct Injected: Error {}
        var moved: [String] = []
        #expect(throws: DiversityError.self) {
            try BundleReplacement.write(failing, to: target) { name in
                moved.append(name)
                if name == "model.json" { throw Injected() }
            }
        }
        #expect(moved.contains("tables/item.f32") && moved.last == "model.json", "\(moved)")
        let kept = try ModelBundle.read(from: target)
        #expect(kept.table(named: "item")?.values == [1, 1, 1, 1])
        #expect(kept.table(named: "diversity") == nil && kept.attachments["diversity.json"] == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.appendingPathComponent("tables").path) == ["item.f32"])
        #expect(try String(contentsOf: target.appendingPathComponent("training.jsonl"), encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model"])

        // A good write replaces the bundle's files and keeps the others.
        var new = old
        new.tables = [Self.table("item", value: 3), Self.table("diversity", value: 4)]
        new.attachments["diversity.json"] = Data("{}".utf8)
        try BundleReplacement.write(new, to: target)
        let back = try ModelBundle.read(from: target)
        #expect(back.table(named: "item")?.values == [3, 3, 3, 3])
        #expect(back.table(named: "diversity")?.values == [4, 4, 4, 4])
        #expect(back.attachments["diversity.json"] == Data("{}".utf8))
        #expect(try String(contentsOf: target.appendingPathComponent("training.jsonl"), encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model"])
    }
}

/// `m2grl export` refuses a bundle whose diversity parts do not fit together.
@Suite struct DiversityValidationTests {
    static func attached() throws -> ModelBundle {
        var bundle = try BundleTests.bundle()
        let (items, w) = try bundle.diversityInputs(DiversityConfiguration())
        let model = try DiversityMetricModel(itemFactor: Fixtures.randomMatrix(rows: 3, columns: 5, seed: 1),
                                             relationalFactor: Fixtures.randomMatrix(rows: 3, columns: 5, seed: 2), alignment: w, margin: 1)
        try bundle.attachDiversity(model, features: try DiversityFeatures(itemTable: items, alignment: w))
        return bundle
    }

    static func code(_ bundle: ModelBundle) -> DiversityError.Code? {
        do { try bundle.validateDiversity(); return nil } catch { return (error as? DiversityError)?.code }
    }

    @Test func mismatchedOrMissingPartsAreRefused() throws {
        #expect(Self.code(try BundleTests.bundle()) == nil)
        let good = try Self.attached()
        #expect(Self.code(good) == nil)
        var noModel = good
        noModel.attachments["diversity.json"] = nil
        #expect(Self.code(noModel) == .missing)
        var noQuery = good
        noQuery.tables.removeAll { $0.name == "diversity.query" }
        #expect(Self.code(noQuery) == .missing)
        var garbage = good
        garbage.attachments["diversity.json"] = Data("{not json".utf8)
        #expect(Self.code(garbage) == .format)
        var wrongDimension = good
        let i = try #require(wrongDimension.tables.firstIndex { $0.name == "diversity.query" })
        let q = wrongDimension.tables[i]
        wrongDimension.tables[i] = EmbeddingTable(name: q.name, kind: q.kind, dimension: 2, ids: q.ids, values: [Float](repeating: 0, count: 2 * q.count))
        #expect(Self.code(wrongDimension) == .invalidInput)
    }
}
