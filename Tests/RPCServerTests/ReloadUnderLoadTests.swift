import Foundation
import Snapshot
import Synchronization
import Testing
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// A reload every 100 ms during a continuous query stream: zero failed queries, every answer
/// from either the old or the new snapshot.
@Suite struct ReloadUnderLoadTests {
    @Test func reloadEveryHundredMillisecondsWhileQuerying() throws {
        let a = try Fixture.snapshot(version: "v-a", seed: 31)
        let b = try Fixture.snapshot(version: "v-b", seed: 32)
        let flip = Atomic<Int>(0)
        let configuration = Fixture.configuration { $0.adminToken = "t" }
        let server = try Fixture.server(configuration, snapshot: a) { _ in
            flip.add(1, ordering: .relaxed).oldValue % 2 == 0 ? b : a
        }
        defer { server.stop(); server.wait() }
        // Expected answers for a fixed batch under each snapshot.
        let keys: [Int64] = [1, 17, 99, 150, 299]
        func answers(_ snapshot: LoadedSnapshot) throws -> [TopKResult] {
            let view = snapshot.view(named: "item")!
            return try Fixture.expected(view, vectors: keys.flatMap { try view.index.reconstruct(id: $0) }, k: 10)
        }
        let expectedA = try answers(a), expectedB = try answers(b)
        #expect(expectedA != expectedB)

        let seen = Mutex<(a: Int, b: Int)>((0, 0))
        let queriers = (0..<3).map { _ in BackgroundQuerier() }
        for querier in queriers {
            let client = try RPCClient(port: server.port)
            querier.run {
                let reply = try client.topK(TopKRequest(view: "item", k: 10, queries: .ids(keys)))
                if reply.results == expectedA {
                    seen.withLock { $0.a += 1 }
                } else if reply.results == expectedB {
                    seen.withLock { $0.b += 1 }
                } else {
                    throw RPCClientError(.protocolViolation, "answer from neither snapshot")
                }
            }
        }
        let admin = try RPCClient(port: server.port)
        var versions: Set<String> = []
        for _ in 0..<15 {
            usleep(100_000)
            versions.insert(try admin.reload(token: "t").newVersion)
        }
        for querier in queriers { querier.stop() }
        #expect(versions == ["v-a", "v-b"])
        #expect(queriers.flatMap { $0.failures.withLock { $0 } } == [])
        let counts = seen.withLock { $0 }
        #expect(counts.a > 0 && counts.b > 0)
        #expect(try admin.stats().counter("reloads.ok") == 15)
    }

    @Test func oldSnapshotIsFreedOnceItsSearchesEnd() throws {
        weak var weakA: LoadedSnapshot?
        let server: RPCServer
        do {
            let a = try Fixture.snapshot(version: "v-a", seed: 51)
            weakA = a
            server = try Fixture.server(Fixture.configuration { $0.adminToken = "t" }, snapshot: a) { _ in
                try Fixture.snapshot(version: "v-b", seed: 52)
            }
        }
        defer { server.stop(); server.wait() }
        let client = try RPCClient(port: server.port)
        let requests = (1...50).map { TopKRequest(view: "item", k: 10, queries: .ids([Int64($0)])) }
        _ = try client.topK(pipelined: requests)
        #expect(weakA != nil)
        #expect(try client.reload(token: "t").newVersion == "v-b")
        _ = try client.topK(pipelined: requests)
        for _ in 0..<100 where weakA != nil { usleep(10_000) }
        #expect(weakA == nil, "the replaced snapshot is still referenced")
    }
}
