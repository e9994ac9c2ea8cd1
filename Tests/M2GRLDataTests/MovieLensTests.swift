import Foundation
import Testing
@testable import M2GRLData

/// End-to-end checks on the real MovieLens-100K files (skipped when data/ is absent).
@Suite struct MovieLensTests {
    static let directory: String? = {
        let candidates = [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/ml-100k").standardized.path,
            "/work/main/data/ml-100k",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/ml-100k.inter") }
    }()

    @Test(.enabled(if: directory != nil)) func statsMatchEvaluationProtocol() throws {
        let log = try MovieLensLoader.load(directory: Self.directory!)
        #expect(log.report.cleanedEvents == 82_520)
        #expect(log.report.droppedLowRating == 100_000 - 82_520)
        #expect(log.report.malformedTotal == 0)
        #expect(log.userCount == 943)
        #expect(log.itemCount == 1_574)
        let builder = try DatasetBuilder(log: log, rules: .movieLens)
        let (test, testStats) = try builder.build(split: .test)
        #expect(testStats.trainEvents == 65_641)
        #expect(testStats.heldOutEvents == 16_879)
        #expect(testStats.users == 943)
        #expect(test.users.count == 943)
        #expect(test.views.map(\.name) == ["item", "category", "director"])
        #expect(test.view(named: "category")!.nodeCount - 1 <= 19)
        // Sessions are chunks of ≤ 50.
        let item = test.itemView
        for s in 0..<item.sequences.count { #expect(item.sequences[s].count <= 50) }
        // Titles and attributes of a known movie.
        let toyStory = test.items.first { $0.id == "1" }
        #expect(toyStory?.displayName == "Toy Story")
        #expect(toyStory?.attributes["category"] == "Animation")
        // The valid split trains on a subset of the test split's train part.
        let (_, validStats) = try builder.build(split: .valid)
        #expect(validStats.trainEvents + validStats.heldOutEvents == 65_641)
        // Director coverage ≈ 94.5% of items linked.
        let directors = test.relations[1]
        let dirVocab = test.views[2].vocabulary
        let unknown = dirVocab.firstIndex(of: "unknown").map(Int32.init) ?? -1
        let linked = directors.attributeOfItem.dropFirst().filter { $0 != unknown && $0 != 0 }.count
        print("director-linked items: \(linked) / \(item.nodeCount - 1); \(testStats.summary)")
    }
}
