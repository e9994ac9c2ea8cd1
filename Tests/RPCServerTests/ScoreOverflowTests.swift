import Foundation
import Snapshot
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// A huge but finite query vector passes the "finite values" check, yet its inner products can
/// overflow float32. The server refuses such a request with `invalid_argument` instead of
/// answering ±inf or NaN scores, on the inline path and the worker path, alone or in a batch,
/// and only that request: others in the same micro-batch (one Faiss call) are answered normally.
@Suite struct ScoreOverflowTests {
    static let huge = [Float](repeating: 3e38, count: Fixture.itemDimension)

    static func isOverflow(_ error: any Error) -> Bool {
        guard let e = error as? RPCClientError else { return false }
        return e.serverCode == .invalidArgument && e.message.contains("scores overflow float32")
    }

    /// inline: default budget (the 300-item Flat view qualifies); workers: budget 0.
    @Test(arguments: ["inline", "workers"])
    func hugeVectorIsRefusedAndOthersAreAnswered(path: String) throws {
        let snapshot = try Fixture.snapshot(version: "v-a", seed: 11)
        let server = try Fixture.server(Fixture.configuration { if path == "workers" { $0.inlineBudgetMicroseconds = 0 } },
                                        snapshot: snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(RPCClient.Options(port: server.port, automaticReconnect: false))
        let view = try #require(snapshot.view(named: "item"))
        let normal = (0..<Fixture.itemDimension).map { Float($0 % 5) - 2 }

        // Alone.
        #expect { try client.topK(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: Self.huge))) } throws: {
            Self.isOverflow($0)
        }
        // In a TOPK batch: the request fails as a whole, as for any invalid query of a batch.
        #expect { try client.topK(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: normal + Self.huge))) } throws: {
            Self.isOverflow($0)
        }
        // Pipelined requests that share one Faiss call: only the huge one fails.
        let requests = (0..<6).map { i in
            TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: i == 3 ? Self.huge : normal))
        }
        let replies = try client.topK(pipelined: requests)
        #expect(replies.count == 6)
        let expected = try Fixture.expected(view, vectors: normal, k: 10)
        for (i, reply) in replies.enumerated() {
            if i == 3 {
                #expect { try reply.get() } throws: { Self.isOverflow($0) }
            } else {
                #expect(try reply.get().results == expected)
            }
        }
        // Large but harmless vectors still work, and the connection stays.
        let big = normal.map { $0 * 1e30 }
        let ok = try client.topK(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: big)))
        #expect(ok.results[0].scores.allSatisfy { $0.isFinite })
        #expect(ok.results == (try Fixture.expected(view, vectors: big, k: 10)))
        let stats = try client.stats()
        #expect(stats.counter("errors.invalid_argument") == 3)
        if path == "inline" { #expect(stats.counter("topk.inline") > 0) } else { #expect(stats.counter("topk.inline") == 0) }
    }

    /// DIVERSE: finite weights whose query vector stays finite but whose scores do not.
    @Test func diverseWithOverflowingScoresIsRefused() throws {
        let fixture = try DiverseFixture()
        let server = try Fixture.server(snapshot: fixture.snapshot)
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        var refused = 0
        for weight: Float in [1e30, 1e34, 1e36, 1e37, 3e37, 1e38, 2e38] {
            do {
                let reply = try client.diverse(DiverseRequest(triggers: [1, 2, 3], k: 5, itemWeight: weight, categoryWeight: weight))
                #expect(reply.results.allSatisfy { $0.score.isFinite }, "weight \(weight)")
            } catch {
                let code = error.serverCode, text = "\(error)"
                #expect(code == .invalidArgument, "weight \(weight): \(text)")
                if Self.isOverflow(error) { refused += 1 }
            }
            #expect(try client.ping(payload: [1]) == [1])
        }
        #expect(refused > 0, "no weight made the scores overflow; the test no longer covers the check")
    }
}
