import Foundation
import Testing
@testable import M2GRLData

/// Damage that keeps every checksum valid (a buggy writer, a hand-edited manifest) is still a
/// typed error on read, never a trap or silently wrong training data.
@Suite struct DatasetCorruptionTests {
    static func readCode(_ dir: URL) -> DataError.Code? {
        do { _ = try PreparedDataset.read(from: dir); return nil } catch let e as DataError { return e.code } catch { return nil }
    }

    static func written(_ change: (inout PreparedDataset) -> Void) throws -> URL {
        var data = try DatasetIOTests.dataset()
        change(&data)
        let dir = try Fixtures.directory().appendingPathComponent("d")
        try data.write(to: dir)
        return dir
    }

    /// Rewrites manifest.json through `edit` (a JSON object).
    static func editManifest(_ dir: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = dir.appendingPathComponent("manifest.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    @Test func impossibleCountsInTheManifestAreRefusedBeforeSizingAnything() throws {
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("edges 2^62", { j in var v = j["views"] as! [[String: Any]]; v[0]["edges"] = 1 << 62; j["views"] = v }),
            ("sequences Int.max", { j in var v = j["views"] as! [[String: Any]]; v[0]["sequences"] = Int.max; j["views"] = v }),
            ("negative nodeCount", { j in var v = j["views"] as! [[String: Any]]; v[1]["nodeCount"] = -5; j["views"] = v }),
            ("negative users", { j in j["users"] = -1 }),
            ("repeated view name", { j in var v = j["views"] as! [[String: Any]]; v[2]["name"] = v[1]["name"]; j["views"] = v }),
        ]
        for (label, edit) in cases {
            let dir = try Self.written { _ in }
            try Self.editManifest(dir, edit)
            #expect(Self.readCode(dir) == .invalidManifest, "\(label)")
        }
    }

    @Test func negativeCountsAndImpossibleEdgeMultiplicitiesAreCorrupt() throws {
        #expect(Self.readCode(try Self.written { $0.views[0].counts[1] = -7 }) == .corruptDatasetFile)
        #expect(Self.readCode(try Self.written { $0.views[0].edges[0].count = 0 }) == .corruptDatasetFile)
        #expect(Self.readCode(try Self.written { $0.views[0].edges[0].count = 1 << 62 }) == .corruptDatasetFile)
        #expect(Self.readCode(try Self.written { $0.users[0].heldOutCount = -1 }) == .corruptDatasetFile)
        #expect(Self.readCode(try Self.written { _ in }) == nil)
    }

    @Test func invalidUTF8InAStringTableIsCorruptNotReplaced() throws {
        let dir = try Self.written { _ in }
        let name = "view0.vocab.bytes"
        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
        bytes[0] = 0xFF
        try Data(bytes).write(to: dir.appendingPathComponent(name))
        let crc = bytes.withUnsafeBytes { CRC32.checksum($0) }
        try Self.editManifest(dir) { j in
            var files = j["files"] as! [String: Any]
            files[name] = ["bytes": bytes.count, "crc32": crc]
            j["files"] = files
        }
        #expect(Self.readCode(dir) == .corruptDatasetFile)
    }
}
