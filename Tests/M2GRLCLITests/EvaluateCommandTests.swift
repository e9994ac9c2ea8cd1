import ArgumentParser
import Foundation
import M2GRLCore
import M2GRLData
import Testing
@testable import M2GRLCLI

/// `m2grl evaluate` argument handling and its refusals of inputs that would print meaningless figures.
@Suite struct EvaluateCommandTests {
    /// Items 1…5 (dense = external); one user with held-out items when `heldOut`.
    static func writeDataset(heldOut: Bool) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evalcli-\(UUID().uuidString)")
        let users = [UserHistory(user: "a", trainItems: [2, 1], heldOutItems: heldOut ? [3] : [], heldOutCount: heldOut ? 1 : 0),
                     UserHistory(user: "b", trainItems: [5], heldOutItems: heldOut ? [4] : [], heldOutCount: heldOut ? 1 : 0)]
        let vocabulary = ["", "1", "2", "3", "4", "5"]
        let ds = PreparedDataset(views: [ViewData(name: "item", vocabulary: vocabulary, counts: [0, 5, 4, 3, 2, 1],
                                                  sequences: SequenceSet([[1, 2, 3], [2, 4], [1, 3, 5]]), edges: [])],
                                 relations: [], users: users, items: vocabulary.map { ItemInfo(id: $0, displayName: "film \($0)") })
        try ds.write(to: dir)
        return dir
    }

    static func parse(_ args: [String]) throws -> EvaluateCommand {
        let command = try M2GRLCommand.parseAsRoot(["evaluate"] + args)
        return try #require(command as? EvaluateCommand)
    }

    static func failure(_ args: [String]) -> String? {
        do { _ = try M2GRLCommand.parseAsRoot(["evaluate"] + args) } catch { return M2GRLCommand.fullMessage(for: error) }
        return nil
    }

    @Test func negativeAndHugeKAreExplained() {
        let negative = Self.failure(["--data", "d", "--model", "popularity", "--k", "-3"])
        #expect(negative?.contains("--k must be between 1 and 10000, got -3") == true, "\(negative ?? "parsed")")
        #expect(negative?.contains("m2grl evaluate") == true)
        let huge = Self.failure(["--data", "d", "--model", "popularity", "--k", "1000000"])
        #expect(huge?.contains("--k must be between 1") == true)
        let zero = Self.failure(["--data", "d", "--model", "popularity", "--k", "0"])
        #expect(zero?.contains("--k must be between 1") == true)
        let triggers = Self.failure(["--data", "d", "--model", "popularity", "--triggers", "2"])
        #expect(triggers?.contains("--triggers must be 1 or 3") == true)
    }

    @Test func runTimeValidationErrorsShowTheSubcommandUsage() {
        let text = M2GRLCommand.fullMessage(for: ValidationError("no model at x"), in: EvaluateCommand.self)
        #expect(text.contains("Error: no model at x"))
        #expect(text.contains("Usage: m2grl evaluate --data <data>"), "\(text)")
        #expect(text.contains("See 'm2grl evaluate --help'"))
        #expect(!text.contains("<subcommand>"))
    }

    @Test func splitWithoutHeldOutUsersIsAnError() throws {
        let dir = try Self.writeDataset(heldOut: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        let command = try Self.parse(["--data", dir.path, "--model", "popularity"])
        #expect { try command.run() } throws: { "\($0)".contains("no user of this split has held-out items") }
    }

    @Test func tableWithNoItemIDsIsAnErrorAndPartialCoverageIsReported() throws {
        let dir = try Self.writeDataset(heldOut: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let categories = dir.appendingPathComponent("category.f32")
        try EmbeddingFileFormat.write(EmbeddingTable(name: "category", dimension: 1, ids: ["Comedy", "Drama"], values: [1, 2]), to: categories)
        let command = try Self.parse(["--data", dir.path, "--model", categories.path])
        #expect { try command.run() } throws: { "\($0)".contains("none of its 2 ids is an item of this split") }
        // Part of the items: evaluated, and the JSON report carries coverage and trigger counts.
        let partial = dir.appendingPathComponent("part.f32")
        try EmbeddingFileFormat.write(EmbeddingTable(name: "item", dimension: 1, ids: ["1", "3", "4"], values: [1, 2, 3]), to: partial)
        let json = dir.appendingPathComponent("report.json")
        try Self.parse(["--data", dir.path, "--model", partial.path, "--json", json.path]).run()
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
        let report = try #require(object?["report"] as? [String: Any])
        #expect(report["covered_items"] as? Int == 3)
        #expect(report["dataset_items"] as? Int == 5)
        // a's last train item 1 has a vector; b's (5) has none.
        #expect(report["users_without_trigger"] as? Int == 1)
        #expect(report["users"] as? Int == 2)

        // An unwritable --json is an I/O error (no usage text), not a ValidationError.
        let unwritable = json.appendingPathComponent("under-a-file.json").path
        do {
            try Self.parse(["--data", dir.path, "--model", partial.path, "--json", unwritable]).run()
            Issue.record("--json under a file was written")
        } catch {
            #expect(!(error is ValidationError), "\(error)")
            #expect("\(error)".contains("cannot write --json"), "\(error)")
            #expect(!M2GRLCommand.fullMessage(for: error).contains("Usage:"))
        }
    }

    @Test func groupedNumbers() {
        #expect(EvaluateCommand.grouped(1574) == "1,574")
        #expect(EvaluateCommand.grouped(999) == "999")
        #expect(EvaluateCommand.grouped(2_000_000) == "2,000,000")
    }
}
