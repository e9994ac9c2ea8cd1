import Foundation
@testable import M2GRLDiversity
import M2GRLCore
import M2GRLData
import Testing

/// The whole `train-diversity` path on files: prepared dataset + bundle in, bundle with metric tables out.
@Suite struct DiversityJobTests {
    static func writeInputs(in dir: URL) throws -> (model: URL, dataset: URL, toy: Fixtures.Planted) {
        let toy = try Fixtures.planted()
        let n = toy.categoryOfItem.count - 1
        let vocabulary = [""] + (1...n).map { "m\($0)" }
        var counts = [Int64](repeating: 0, count: n + 1)
        for t in toy.sessions.tokens { counts[Int(t)] += 1 }
        let itemView = ViewData(name: "item", vocabulary: vocabulary, counts: counts, sequences: toy.sessions, edges: [])
        let categoryView = ViewData(name: "category", vocabulary: ["", "c1", "c2", "c3", "c4", "c5"],
                                    counts: [Int64](repeating: 1, count: 6), sequences: SequenceSet(), edges: [])
        let relation = ItemRelation(view: "category", attributeOfItem: toy.categoryOfItem,
                                    pairs: toy.sessions.tokens.map { (item: $0, attribute: toy.categoryOfItem[Int($0)]) })
        var users: [UserHistory] = []
        for u in Int32(1)...12 {
            users.append(UserHistory(user: "u\(u)", trainItems: [u, u + 4], heldOutItems: [u + 8, u + 12], heldOutCount: 2))
        }
        let items = vocabulary.map { ItemInfo(id: $0, displayName: $0) }
        let dataset = PreparedDataset(views: [itemView, categoryView], relations: [relation], users: users, items: items)
        let datasetURL = dir.appendingPathComponent("dataset")
        try dataset.write(to: datasetURL)

        // The bundle's item table lists the items in another order, plus one the dataset does not know.
        let d = toy.features.itemDimension
        var ids: [String] = [], values: [Float] = []
        for r in stride(from: n, through: 1, by: -1) { ids.append("m\(r)"); values += toy.features.itemVector(r) }
        ids.append("extra"); values += [Float](repeating: 0.1, count: d)
        let bundle = ModelBundle(
            tables: [EmbeddingTable(name: "item", kind: .view, dimension: d, ids: ids, values: values),
                     EmbeddingTable(name: "W.category", kind: .relational, dimension: d, ids: (0..<d).map(String.init), values: toy.alignment.values)],
            items: ids.map { ItemMetadata(id: $0, displayName: $0) })
        let modelURL = dir.appendingPathComponent("model")
        try bundle.write(to: modelURL)
        return (modelURL, datasetURL, toy)
    }

    @Test func trainsAndWritesTheBundleBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diversity-job-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (model, dataset, toy) = try Self.writeInputs(in: dir)
        var options = DiversityJob.Options(model: model, dataset: dataset, configuration: TrainingTests.configuration(epochs: 5))
        options.log = dir.appendingPathComponent("train.jsonl")
        options.evaluationK = 5
        let summary = try DiversityJob.run(options)
        #expect(summary.itemsWithVectors == toy.categoryOfItem.count - 1)
        #expect(summary.exportedRows == toy.categoryOfItem.count)  // dataset items + "extra"
        #expect(summary.evaluation.count == 4)

        let back = try ModelBundle.read(from: model)
        let restored = try #require(try back.diversityModel())
        #expect(restored == summary.result.model)
        let stored = try #require(back.table(named: "diversity"))
        #expect(stored.kind == .metric && stored.ids.contains("extra") && stored.count == toy.categoryOfItem.count)
        #expect(back.table(named: "diversity.query")?.dimension == 2 * restored.projectionDimension)
        #expect(back.metrics["diversity.heldout.auc"] != nil)
        #expect(back.configuration["diversity.window"] == "2")

        // Served vectors use the bundle's rows: item "m7"'s query from its item vector ranks like the reference.
        let features = try DiversityFeatures(itemTable: try #require(back.table(named: "item")), alignment: restored.alignment)
        let reference = try WeightedDistanceRanking(model: restored, features: features)
        let a = try #require(features.ids.firstIndex(of: "m7"))
        let q = try restored.queryVector(forItemVector: Array(features.itemVector(a)), weights: DiversityWeights(item: 1, relational: -0.5))
        let aStored = try #require(stored.ids.firstIndex(of: "m7"))
        let top = try BruteForceInnerProduct.search(q, in: stored.values, dimension: stored.dimension, k: 1, excluding: [aStored])
        let best = try reference.rank(a, weights: DiversityWeights(item: 1, relational: -0.5), k: 1)
        #expect(stored.ids[top[0].row] == features.ids[best[0].row])

        let lines = try String(contentsOf: dir.appendingPathComponent("train.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        let first = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(first?["epoch"] as? Int == 1)
        #expect((first?["valid"] as? [String: Any])?["auc"] != nil)
    }

    @Test func aBundleWithoutTheDatasetItemsIsATypedError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diversity-job-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (model, dataset, _) = try Self.writeInputs(in: dir)
        var bundle = try ModelBundle.read(from: model)
        let item = try #require(bundle.table(named: "item"))
        bundle.tables[0] = EmbeddingTable(name: "item", kind: .view, dimension: item.dimension, ids: item.ids.map { "x" + $0 }, values: item.values)
        try bundle.write(to: model)
        #expect { try DiversityJob.run(DiversityJob.Options(model: model, dataset: dataset)) } throws: {
            ($0 as? DiversityError)?.code == .noData
        }
    }
}
