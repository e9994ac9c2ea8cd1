import Foundation
@testable import M2GRLDiversity
import M2GRLCore
import M2GRLData
import Testing

/// `m2grl evaluate --diverse`'s library: settings evaluated from a bundle with a diversity model.
@Suite struct DiverseEvaluationTests {
    @Test func settingsMatchTheDirectRankingsAndExclusionsHold() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diverse-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (modelURL, datasetURL, _) = try DiversityJobTests.writeInputs(in: dir)
        _ = try DiversityJob.run(DiversityJob.Options(model: modelURL, dataset: datasetURL, configuration: TrainingTests.configuration(epochs: 2)))
        let bundle = try ModelBundle.read(from: modelURL)
        let dataset = try PreparedDataset.read(from: datasetURL)
        let settings = DiverseRetrievalEvaluation.defaultSettings(recentCategories: 1)
        #expect(settings.count == 6)
        let rows = try DiverseRetrievalEvaluation.run(bundle: bundle, dataset: dataset, k: 5, settings: settings)
        #expect(rows.map(\.setting) == settings)

        // Without exclusions the figures equal DiversityEvaluation over the same rankings.
        let model = try #require(try bundle.diversityModel())
        let categories = try #require(dataset.relations.first).attributeOfItem
        let features = try DiversityJob.withoutPlaceholder(
            DiversityFeatures(itemTable: try #require(bundle.table(named: "item")), alignment: model.alignment,
                              rowIDs: dataset.itemView.vocabulary))
        let plain = try DiversityEvaluation.evaluate(users: dataset.users, categoryOfItem: categories, k: 5,
                                                     retrieve: DiversityEvaluation.itemInnerProductRetrieval(features))
        #expect(rows[0].report == plain)
        let ranking = try WeightedDistanceRanking(model: model, features: features)
        let negative = try DiversityEvaluation.evaluate(users: dataset.users, categoryOfItem: categories, k: 5,
                                                        retrieve: DiversityEvaluation.metricRetrieval(ranking, weights: DiversityWeights(item: 1, relational: -1)))
        #expect(rows[2].report == negative)

        // Excluding the last train item's category: no returned item is in it, so the share of new
        // categories can only grow for these users (whose train categories are the excluded ones or others).
        var saw = 0
        _ = try DiversityEvaluation.evaluate(users: dataset.users, categoryOfItem: categories, k: 5) { user, trigger, count in
            let excluded = DiverseRetrievalEvaluation.recentCategories(of: user, last: 1, categoryOfItem: categories)
            #expect(excluded == [categories[Int(user.trainItems.last!)]])
            saw += 1
            return []
        }
        #expect(saw == dataset.users.filter { $0.heldOutCount > 0 }.count)
        for i in 3..<6 {
            #expect(rows[i].report.newCategoryShare.mean >= rows[i - 3].report.newCategoryShare.mean - 1e-12)
        }
    }

    @Test func aBundleWithoutModelIsATypedError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("diverse-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (modelURL, datasetURL, _) = try DiversityJobTests.writeInputs(in: dir)
        #expect(throws: DiversityError.self) {
            try DiverseRetrievalEvaluation.run(bundle: try ModelBundle.read(from: modelURL),
                                               dataset: try PreparedDataset.read(from: datasetURL), k: 5, settings: [Setting(weights: nil)])
        }
    }

    typealias Setting = DiverseRetrievalEvaluation.Setting
}
