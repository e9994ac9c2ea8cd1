import Foundation
import Testing
@testable import M2GRLData

/// A `prepare` commit that fails midway leaves `OUT` exactly as it was: the old splits and
/// `stats.json` are renamed aside, never deleted before every new one is in place.
@Suite struct StagingCommitTests {
    static func tree(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let fm = FileManager.default
        guard let walk = fm.enumerator(atPath: root.path) else { return files }
        for case let path as String in walk {
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
            files[path] = isDirectory.boolValue ? Data() : try Data(contentsOf: root.appendingPathComponent(path))
        }
        return files
    }

    @Test func aFailedCommitRestoresTheOldSplitsAndAGoodOneReplacesThem() throws {
        let out = try Fixtures.directory()
        _ = try DatasetPreparer.run(PrepareOptions(input: .logs([try Fixtures.file(BadInputTests.logText(users: 6))]), output: out))
        let before = try Self.tree(out)
        #expect(before["valid/manifest.json"] != nil && before["stats.json"] != nil)

        func staged() throws -> OutputStaging {
            let staging = try OutputStaging(output: out)
            for name in ["valid", "test"] {
                let dir = staging.directory.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try Data("new \(name)".utf8).write(to: dir.appendingPathComponent("manifest.json"))
            }
            try Data("new stats".utf8).write(to: staging.directory.appendingPathComponent("stats.json"))
            return staging
        }

        // A real rename failure after `valid` was swapped: a staged entry is missing.
        var staging = try staged()
        try FileManager.default.removeItem(at: staging.directory.appendingPathComponent("test"))
        #expect(BadInputTests.code { try staging.commit(["valid", "test", "stats.json"]) } == .writeFailed)
        staging.discard()
        #expect(try Self.tree(out) == before)

        // An injected failure at the last step (everything else already swapped in).
        struct Injected: Error {}
        staging = try staged()
        #expect(BadInputTests.code {
            try staging.commit(["valid", "test", "stats.json"]) { if $0 == "stats.json" { throw Injected() } }
        } == .writeFailed)
        staging.discard()
        #expect(try Self.tree(out) == before)

        // Without a failure every entry is replaced and nothing old is left behind.
        staging = try staged()
        try staging.commit(["valid", "test", "stats.json"])
        staging.discard()
        let after = try Self.tree(out)
        #expect(after.keys.sorted() == ["stats.json", "test", "test/manifest.json", "valid", "valid/manifest.json"])
        #expect(after["valid/manifest.json"] == Data("new valid".utf8) && after["stats.json"] == Data("new stats".utf8))
    }
}
