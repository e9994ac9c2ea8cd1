import ArgumentParser
import Foundation
import M2GRLCore
import Testing
@testable import M2GRLCLI

/// `m2grl export` / `inspect` on damaged inputs: typed refusals, and what a rollback needs still shown.
@Suite struct InspectCommandTests {
    static func run(_ args: [String]) throws {
        var command = try M2GRLCommand.parseAsRoot(args)
        try command.run()
    }

    /// A bundle with 30 items of dimension 4 and an attachment that is valid JSON.
    static func writeBundle(to dir: URL) throws {
        let ids = (1...30).map(String.init)
        let values = (0..<(30 * 4)).map { Float(($0 * 37) % 11) - 5 }
        let bundle = ModelBundle(tables: [EmbeddingTable(name: "item", kind: .view, dimension: 4, ids: ids, values: values)],
                                 items: ids.map { ItemMetadata(id: $0, displayName: "item \($0)") })
        try bundle.write(to: dir)
    }

    @Test func verifyDecodesTheDiversityAttachmentAndVersionsSurviveABrokenPointer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inspectcli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = dir.appendingPathComponent("model"), root = dir.appendingPathComponent("snapshots")
        try Self.writeBundle(to: bundle)
        try Self.run(["export", "--bundle", bundle.path, "--snapshots", root.path, "--quiet"])
        try Self.run(["inspect", root.path, "--verify"])
        let version = try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("current").path)
        let versionDir = root.appendingPathComponent(version)

        // An attachment whose checksum matches but which is not a diversity model.
        let junk = Data("{\"not\": \"a model\"}".utf8)
        try FileManager.default.createDirectory(at: versionDir.appendingPathComponent("attachments"), withIntermediateDirectories: true)
        try junk.write(to: versionDir.appendingPathComponent("attachments/diversity.json"))
        let manifestURL = versionDir.appendingPathComponent("manifest.json")
        var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as? [String: Any])
        manifest["attachments"] = [["name": "diversity.json",
                                    "file": ["file": "attachments/diversity.json", "bytes": junk.count,
                                             "sha256": SHA256.hash(Array(junk)).hexString]]]
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        try Self.run(["inspect", root.path])  // the manifest alone is fine
        do {
            try Self.run(["inspect", root.path, "--verify"])
            Issue.record("a diversity.json that does not decode was verified")
        } catch {
            #expect("\(error)".contains("does not decode"), "\(error)")
        }

        // A looped pointer: the versions are still listed (the error goes to stderr), loading names the loop.
        let link = root.appendingPathComponent("current")
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "current")
        try Self.run(["inspect", root.path, "--versions"])
        do {
            try Self.run(["inspect", root.path])
            Issue.record("a looped pointer was followed")
        } catch {
            #expect("\(error)".contains("symlink loop"), "\(error)")
        }
    }

    @Test func exportRefusesAGarbageDiversityAttachment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exportcli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundleDir = dir.appendingPathComponent("model"), root = dir.appendingPathComponent("snapshots")
        try Self.writeBundle(to: bundleDir)
        var bundle = try ModelBundle.read(from: bundleDir)
        bundle.attachments["diversity.json"] = Data("{bad".utf8)
        try bundle.write(to: bundleDir)
        #expect(throws: (any Error).self) { try Self.run(["export", "--bundle", bundleDir.path, "--snapshots", root.path, "--quiet"]) }
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }
}

/// `m2grl train-diversity` output checks happen before any work and leave nothing behind.
@Suite struct TrainDiversityCommandTests {
    @Test func aFileAsOutputAndAMissingModelAreClearAndCreateNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tdcli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        for (out, text) in [(file.path, "is a file, not a directory"), (file.path + "/x", "cannot be created: \(file.path) is a file")] {
            do {
                try InspectCommandTests.run(["train-diversity", "--model", dir.path, "--dataset", dir.path, "--out", out])
                Issue.record("--out \(out) accepted")
            } catch {
                #expect("\(error)".contains(text), "\(error)")
            }
        }
        let missing = dir.appendingPathComponent("no-such-model")
        #expect(throws: (any Error).self) {
            try InspectCommandTests.run(["train-diversity", "--model", missing.path, "--dataset", dir.path])
        }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }
}
