import Foundation
import Testing
@testable import VectorIndex

@Suite struct PersistenceTests {
    // PQ training is very slow in Debian's Faiss build (k-means on sub-vectors),
    // so the PQ case is kept small.
    @Test(arguments: [("Flat", 2_000), ("HNSW16", 2_000), ("IVF16,Flat", 2_000), ("IVF16,SQ8", 2_000), ("IVF4,PQ2x4", 300)])
    func saveLoadRoundTrip(factory: String, n: Int) throws {
        var rng = TestRNG(seed: 11)
        let d = 16
        let base = rng.clustered(n: n, d: d)
        let index = try VectorIndex(factory: factory, dimension: d)
        if !index.isTrained { try index.train(base) }
        try index.add(base, ids: (0..<n).map { Int64($0) * 2 })
        let queries = rng.clustered(n: 32, d: d)
        let before = try index.search(queries, k: 10)
        let url = temporaryURL("\(factory).faiss")
        defer { try? FileManager.default.removeItem(at: url) }
        try index.save(to: url)
        let loaded = try VectorIndex.load(from: url)
        #expect(loaded.count == n && loaded.dimension == d && loaded.kind == index.kind)
        #expect(try loaded.search(queries, k: 10) == before)
        let bytes = try Data(contentsOf: url)
        let fromBytes = try bytes.withUnsafeBytes { try VectorIndex.load(bytes: $0) }
        #expect(try fromBytes.search(queries, k: 10) == before)
    }

    @Test func reconstructAndRemove() throws {
        var rng = TestRNG(seed: 1)
        let base = (0..<200).map { _ in rng.uniform() }
        let ivf = try VectorIndex(factory: "IVF4,Flat", dimension: 2)
        try ivf.train(base)
        try ivf.add(base, ids: (0..<100).map { Int64($0 + 1000) })
        #expect(try ivf.reconstruct(id: 1042) == Array(base[84..<86]))
        #expect { try ivf.remove(ids: [1005]) } throws: { ($0 as? VectorIndexError)?.code == .unsupported }
        let index = try VectorIndex(factory: "Flat", dimension: 2)
        try index.add(base, ids: (0..<100).map { Int64($0 + 1000) })
        #expect(try index.reconstruct(id: 1005) == Array(base[10..<12]))
        #expect(index.contains(id: 1005))
        #expect(try index.remove(ids: [1005, 7]) == 1)
        #expect(!index.contains(id: 1005) && index.count == 99)
        #expect { try index.reconstruct(id: 1005) } throws: { ($0 as? VectorIndexError)?.code == .notFound }
        #expect(Set(index.allIDs()) == Set((0..<100).map { Int64($0 + 1000) }).subtracting([1005]))
    }

    @Test func missingTruncatedAndCorruptFiles() throws {
        #expect { try VectorIndex.load(from: temporaryURL("nope")) } throws: { ($0 as? VectorIndexError)?.code == .io }
        var rng = TestRNG(seed: 2)
        let index = try VectorIndex(factory: "HNSW8", dimension: 8)
        try index.add(rng.clustered(n: 300, d: 8), ids: (0..<300).map { Int64($0) })
        let url = temporaryURL("h.faiss")
        defer { try? FileManager.default.removeItem(at: url) }
        try index.save(to: url)
        let good = try Data(contentsOf: url)
        for cut in [0, 3, 40, good.count / 2, good.count - 1] {
            try good.prefix(cut).write(to: url)
            #expect(throws: VectorIndexError.self) { try VectorIndex.load(from: url) }
        }
        var bad = good
        bad[0] ^= 0xFF  // fourcc of the id map
        try bad.write(to: url)
        #expect { try VectorIndex.load(from: url) } throws: { ($0 as? VectorIndexError)?.code == .format }
        try Data("not an index at all".utf8).write(to: url)
        #expect(throws: VectorIndexError.self) { try VectorIndex.load(from: url) }
    }
}

@Suite struct ErrorTests {
    @Test func dimensionMismatch() throws {
        let index = try VectorIndex(factory: "Flat", dimension: 4)
        #expect { try index.add([1, 2, 3], ids: [1]) } throws: { ($0 as? VectorIndexError)?.code == .dimensionMismatch }
        #expect { try index.search([1, 2, 3, 4, 5], k: 1) } throws: { ($0 as? VectorIndexError)?.code == .dimensionMismatch }
        #expect { try index.add([1, 2, 3, 4], ids: [1, 2]) } throws: { ($0 as? VectorIndexError)?.code == .invalidArgument }
    }

    @Test(arguments: [0, -1, Int.min])
    func nonPositiveK(k: Int) throws {
        let index = try VectorIndex(factory: "Flat", dimension: 2)
        try index.add([1, 0], ids: [1])
        #expect { try index.search([1, 0], k: k) } throws: { ($0 as? VectorIndexError)?.code == .invalidArgument }
    }

    @Test(arguments: ["NoSuchIndex", "HNSWx", "IVF,Flat", "IDMap,Flat"])
    func unknownFactory(factory: String) {
        #expect(throws: VectorIndexError.self) { try VectorIndex(factory: factory, dimension: 8) }
    }

    @Test func badDimension() {
        #expect { try VectorIndex(factory: "Flat", dimension: 0) } throws: { ($0 as? VectorIndexError)?.code == .invalidArgument }
    }

    @Test func untrainedIVF() throws {
        let index = try VectorIndex(factory: "IVF16,Flat", dimension: 4)
        #expect { try index.search([1, 2, 3, 4], k: 1) } throws: { ($0 as? VectorIndexError)?.code == .notTrained }
        #expect { try index.add([1, 2, 3, 4], ids: [1]) } throws: { ($0 as? VectorIndexError)?.code == .notTrained }
    }

    @Test func duplicateIDsRefused() throws {
        let index = try VectorIndex(factory: "Flat", dimension: 2)
        try index.add([1, 0], ids: [7])
        #expect { try index.add([0, 1], ids: [7]) } throws: { ($0 as? VectorIndexError)?.code == .duplicateID }
        #expect { try index.add([0, 1, 1, 1], ids: [8, 8]) } throws: { ($0 as? VectorIndexError)?.code == .duplicateID }
        #expect(index.count == 1)
    }

    @Test func nonFiniteValuesRefused() throws {
        let index = try VectorIndex(factory: "Flat", dimension: 2)
        #expect { try index.add([.nan, 0], ids: [1]) } throws: { ($0 as? VectorIndexError)?.code == .nonFiniteValue }
        try index.add([1, 0], ids: [1])
        #expect { try index.search([.infinity, 0], k: 1) } throws: { ($0 as? VectorIndexError)?.code == .nonFiniteValue }
    }

    @Test func approximateIndexesRefuseRemoval() throws {
        let index = try VectorIndex(factory: "HNSW8", dimension: 2)
        try index.add([1, 0], ids: [1])
        #expect { try index.remove(ids: [1]) } throws: { ($0 as? VectorIndexError)?.code == .unsupported }
    }

    @Test func concurrentSearchesAgree() async throws {
        var rng = TestRNG(seed: 8)
        let index = try VectorIndex(factory: "HNSW16", dimension: 16)
        try index.add(rng.clustered(n: 2_000, d: 16), ids: (0..<2_000).map { Int64($0) })
        let q = rng.clustered(n: 1, d: 16)
        let expected = try index.search(q, k: 10)
        try await withThrowingTaskGroup(of: SearchResult.self) { group in
            for _ in 0..<16 { group.addTask { try index.search(q, k: 10) } }
            for try await r in group { #expect(r == expected) }
        }
    }
}
