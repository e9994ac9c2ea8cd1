import Foundation
import M2GRLCore
import M2GRLDiversity
import Snapshot
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// DIVERSE over a real loopback socket against a brute-force weighted-distance reference.
@Suite struct DiverseTests {
    let fixture: DiverseFixture
    init() throws { fixture = try DiverseFixture() }

    /// The server's list equals the reference: same weighted distances position by position, same
    /// ids except inside near-ties, reported d_i / d_ic equal the model's distances.
    func expectMatches(_ reply: DiverseReply, _ reference: [(row: Int, weighted: Double, item: Double, relational: Double)],
                       k: Int, itemWeight: Float, categoryWeight: Float) {
        let expected = Array(reference.prefix(k))
        #expect(reply.results.count == expected.count)
        let scale = max(1, expected.map { abs($0.weighted) }.max() ?? 1)
        let tolerance = 1e-4 * scale
        for (i, result) in reply.results.enumerated() where i < expected.count {
            let row = Int(result.key) - 1
            let weighted = Double(itemWeight) * Double(result.itemDistance) + Double(categoryWeight) * Double(result.categoryDistance)
            #expect(abs(weighted - expected[i].weighted) <= tolerance, "rank \(i): \(weighted) vs \(expected[i].weighted)")
            let nearTie = (i > 0 && abs(reference[i - 1].weighted - reference[i].weighted) <= tolerance)
                || (i + 1 < reference.count && abs(reference[i + 1].weighted - reference[i].weighted) <= tolerance)
            if !nearTie { #expect(row == expected[i].row, "rank \(i)") }
            if let truth = reference.first(where: { $0.row == row }) {
                #expect(abs(Double(result.itemDistance) - truth.item) <= 1e-4 * max(1, truth.item))
                #expect(abs(Double(result.categoryDistance) - truth.relational) <= 1e-4 * max(1, truth.relational))
            } else {
                Issue.record("result \(row) is not eligible")
            }
            #expect(result.category == fixture.categoryOfRow[row])
        }
        // Scores are best first and consistent with the weighted distance: score + weighted is constant.
        let sums = reply.results.map { Double($0.score) + Double(itemWeight) * Double($0.itemDistance) + Double(categoryWeight) * Double($0.categoryDistance) }
        if let first = sums.first { #expect(sums.allSatisfy { abs($0 - first) <= 1e-3 * scale }) }
    }

    @Test func rankingEqualsBruteForceForRandomWeights() throws {
        let server = try Fixture.server(snapshot: fixture.snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        #expect(client.hello.supportedRequests.contains(.diverse))
        var rng = FixtureRNG(state: 42)
        var weights: [(Float, Float)] = [(1, 1), (1, 0), (1, -1), (0, 1), (0.3, -2.5)]
        for _ in 0..<6 { weights.append((Float.random(in: 0...3, using: &rng), Float.random(in: -3...3, using: &rng))) }
        for (n, (wi, wic)) in weights.enumerated() {
            let trigger = Int.random(in: 0..<DiverseFixture.itemCount, using: &rng)
            let k = [1, 10, 37][n % 3]
            let reply = try client.diverse(DiverseRequest(triggers: [Int64(trigger + 1)], k: UInt32(k), itemWeight: wi, categoryWeight: wic),
                                           includeNames: n % 2 == 0)
            expectMatches(reply, try fixture.reference(triggers: [trigger], itemWeight: wi, categoryWeight: wic), k: k,
                          itemWeight: wi, categoryWeight: wic)
            if n % 2 == 0 { #expect(reply.results.allSatisfy { $0.name?.displayName == "Movie \($0.key)" }) }
        }
    }

    @Test func multipleTriggersRankByMeanWeightedDistance() throws {
        let server = try Fixture.server(snapshot: fixture.snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        for (wi, wic) in [(Float(1), Float(1)), (1, -1.5)] {
            let triggers = [3, 50, 177]
            let reply = try client.diverse(DiverseRequest(triggers: triggers.map { Int64($0 + 1) }, k: 25, itemWeight: wi, categoryWeight: wic))
            expectMatches(reply, try fixture.reference(triggers: triggers, itemWeight: wi, categoryWeight: wic), k: 25,
                          itemWeight: wi, categoryWeight: wic)
        }
    }

    @Test func exclusionsNeverAppearAndExactlyKWithRefill() throws {
        let server = try Fixture.server(snapshot: fixture.snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        // Four of six categories excluded plus 30 items: the first fetch cannot fill k, the refill must.
        let excludedCategories: Set<String> = ["Action", "Comedy", "Drama", "Horror"]
        let excludedRows = Set((0..<30).map { $0 * 7 })
        let trigger = 12
        let reference = try fixture.reference(triggers: [trigger], itemWeight: 1, categoryWeight: -1,
                                              excludeCategories: excludedCategories, excludeRows: excludedRows)
        for k in [5, 40, reference.count] {
            let request = DiverseRequest(triggers: [Int64(trigger + 1)], k: UInt32(k), itemWeight: 1, categoryWeight: -1,
                                         excludeCategories: excludedCategories.sorted() + ["NoSuchCategory"],
                                         excludeItems: excludedRows.map { Int64($0 + 1) } + [999_999])
            let reply = try client.diverse(request)
            #expect(reply.results.count == k)
            #expect(!reply.results.contains { excludedCategories.contains($0.category) })
            #expect(!reply.results.contains { excludedRows.contains(Int($0.key) - 1) || $0.key == Int64(trigger + 1) })
            #expect(Set(reply.results.map(\.key)).count == reply.results.count)
            expectMatches(reply, reference, k: k, itemWeight: 1, categoryWeight: -1)
        }
        // Asking for more than the catalogue holds returns every eligible item, once.
        let all = try client.diverse(DiverseRequest(triggers: [Int64(trigger + 1)], k: 100, itemWeight: 1, categoryWeight: -1,
                                                    excludeCategories: ["Action", "Comedy", "Drama", "Horror", "Romance"],
                                                    excludeItems: excludedRows.map { Int64($0 + 1) }))
        let eligible = try fixture.reference(triggers: [trigger], itemWeight: 1, categoryWeight: -1,
                                             excludeCategories: ["Action", "Comedy", "Drama", "Horror", "Romance"], excludeRows: excludedRows)
        #expect(eligible.count < 100)
        #expect(all.results.count == eligible.count)
        #expect(Set(all.results.map { Int($0.key) - 1 }) == Set(eligible.map(\.row)))
    }

    @Test func malformedRequestsGetRequestLevelErrorsAndTheConnectionStays() throws {
        let server = try Fixture.server(snapshot: fixture.snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        let bad: [(DiverseRequest, ErrorCode)] = [
            (DiverseRequest(triggers: [5000], k: 5), .unknownItem),
            (DiverseRequest(triggers: [1], k: 101), .invalidArgument),
            (DiverseRequest(triggers: [1], k: 0), .invalidArgument),
            (DiverseRequest(triggers: [], k: 5), .invalidArgument),
            (DiverseRequest(triggers: Array(1...65), k: 5), .invalidArgument),
            (DiverseRequest(triggers: [1], k: 5, itemWeight: .nan), .invalidArgument),
            (DiverseRequest(triggers: [1], k: 5, categoryWeight: -.infinity), .invalidArgument),
            (DiverseRequest(triggers: [1], k: 5, itemWeight: 3e38), .invalidArgument),
        ]
        for (request, code) in bad {
            #expect { try client.diverse(request) } throws: { ($0 as? RPCClientError)?.serverCode == code }
            #expect(try client.ping(payload: [4]) == [4])
        }
        let good = try client.diverse(DiverseRequest(triggers: [1], k: 5))
        #expect(good.results.count == 5)
        let stats = try client.stats()
        #expect(stats.counter("requests.diverse") == UInt64(bad.count + 1))
        #expect(stats.counter("errors.invalid_argument") == 7)
        #expect(stats.counter("errors.unknown_item") == 1)
    }

    @Test func snapshotWithoutModelAnswersModelUnavailable() throws {
        let plain = try Fixture.snapshot(version: "v-plain", seed: 3)
        let server = try Fixture.server(snapshot: plain)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        #expect { try client.diverse(DiverseRequest(triggers: [1], k: 5)) } throws: { error in
            let e = error as? RPCClientError
            return e?.serverCode == .modelUnavailable && (e?.message.contains("diversity") ?? false)
        }
        #expect(try client.ping(payload: [1]) == [1])
        #expect(try client.topK(TopKRequest(view: "item", k: 3, queries: .ids([1]))).results[0].ids.count == 3)
    }

    @Test func reloadPreparesTheCatalogueOfTheNewSnapshot() throws {
        let plain = try Fixture.snapshot(version: "v-plain", seed: 3)
        let withModel = fixture.snapshot
        let server = try Fixture.server(snapshot: plain, loader: { target in target == .current ? withModel : plain })
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        #expect { try client.diverse(DiverseRequest(triggers: [1], k: 5)) } throws: { ($0 as? RPCClientError)?.serverCode == .modelUnavailable }
        try server.reload(.current)
        let reply = try client.diverse(DiverseRequest(triggers: [1], k: 5, excludeCategories: ["Drama"]))
        #expect(reply.results.count == 5 && !reply.results.contains { $0.category == "Drama" })
        try server.reload(.path("/plain"))
        #expect { try client.diverse(DiverseRequest(triggers: [1], k: 5)) } throws: { ($0 as? RPCClientError)?.serverCode == .modelUnavailable }
    }

    @Test func exportedSnapshotOnDiskServesTheSameRanking() throws {
        var bundle = ModelBundle(tables: [fixture.itemTable], items: fixture.items)
        try bundle.attachDiversity(fixture.model, features: fixture.features)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("diverse-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = SnapshotStore(root: root)
        try store.publish(bundle)
        let server = try Fixture.server(snapshot: try store.loadCurrent())
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        let reply = try client.diverse(DiverseRequest(triggers: [31], k: 20, itemWeight: 0.7, categoryWeight: -1.3,
                                                      excludeCategories: ["Comedy"]), includeNames: true)
        expectMatches(reply, try fixture.reference(triggers: [30], itemWeight: 0.7, categoryWeight: -1.3, excludeCategories: ["Comedy"]),
                      k: 20, itemWeight: 0.7, categoryWeight: -1.3)
        #expect(reply.results.allSatisfy { $0.name?.displayName == "Movie \($0.key)" })
    }
}
