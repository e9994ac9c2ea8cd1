import Foundation
import Testing
@testable import VectorIndex

/// Damage to the id-map record that Faiss itself would walk into (a hang, then a crash) is a
/// `.format` error before Faiss parses anything.
@Suite struct IndexFileLayoutTests {
    static func savedIndex() throws -> Data {
        var rng = TestRNG(seed: 3)
        let index = try VectorIndex(factory: "Flat", dimension: 8)
        try index.add(rng.clustered(n: 200, d: 8), ids: (0..<200).map { Int64($0 + 10) })
        let url = temporaryURL("layout.faiss")
        defer { try? FileManager.default.removeItem(at: url) }
        try index.save(to: url)
        return try Data(contentsOf: url)
    }

    static func loadCode(_ data: Data) -> VectorIndexError.Code? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> VectorIndexError.Code? in
            do { _ = try VectorIndex.load(bytes: raw); return nil } catch { return (error as? VectorIndexError)?.code }
        }
    }

    @Test(arguments: [Int64(-1), Int64.max, 199, 201, 1 << 40])
    func damagedVectorCountInTheHeader(total: Int64) throws {
        var data = try Self.savedIndex()
        #expect(Self.loadCode(data) == nil)
        withUnsafeBytes(of: total.littleEndian) { data.replaceSubrange(8..<16, with: $0) }
        #expect(Self.loadCode(data) == .format)
    }

    @Test func damagedDimensionAndIdMapCount() throws {
        let good = try Self.savedIndex()
        var data = good
        withUnsafeBytes(of: Int32(-8).littleEndian) { data.replaceSubrange(4..<8, with: $0) }
        #expect(Self.loadCode(data) == .format)
        data = good
        let countOffset = data.count - 8 * 200 - 8
        withUnsafeBytes(of: UInt64.max.littleEndian) { data.replaceSubrange(countOffset..<(countOffset + 8), with: $0) }
        #expect(Self.loadCode(data) == .format)
        #expect(Self.loadCode(good.prefix(15)) == .format)
    }

    @Test func loadFromAFileRunsTheSameCheck() throws {
        var data = try Self.savedIndex()
        withUnsafeBytes(of: Int64(-1).littleEndian) { data.replaceSubrange(8..<16, with: $0) }
        let url = temporaryURL("layout-bad.faiss")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        #expect { try VectorIndex.load(from: url) } throws: { error in
            guard let e = error as? VectorIndexError else { return false }
            return e.code == .format && e.message.contains(url.path)
        }
    }
}
