import Foundation
import Snapshot
import Testing
import VectorIndex
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// One client's backlog of expensive requests does not make another client wait for all of it.
@Suite(.serialized) struct FairnessTests {
    /// A Flat view big enough that one 64-query search takes milliseconds.
    static func bigSnapshot() throws -> LoadedSnapshot {
        let count = 20_000, dimension = 64
        var rng = FixtureRNG(state: 91)
        let ids = (1...count).map(String.init)
        let index = try VectorIndex(factory: "Flat", dimension: dimension)
        let map = ViewKeyMap(externalIDs: ids)
        try index.add((0..<(count * dimension)).map { _ in Float.random(in: -1...1, using: &rng) }, ids: map.keys)
        return LoadedSnapshot(version: "big", views: [ServedView(name: "item", kind: .view, index: index, keyMap: map)], items: [])
    }

    @Test func aPipeliningHogDoesNotStarveAnotherConnection() throws {
        let snapshot = try Self.bigSnapshot()
        let server = try Fixture.server(Fixture.configuration {
            $0.workerThreads = 1
            $0.inlineBudgetMicroseconds = 0 // every TOPK through the worker queue
            $0.microBatchJobs = 1           // one job per search, so the queue order is what we see
        }, snapshot: snapshot)
        defer { server.stop(); server.wait() }
        // The hog: 120 requests of 64 queries each in one write (≈ 120 × a few ms of search).
        let hog = try RawClient(port: server.port)
        let hogCount = 120
        var burst: [UInt8] = []
        for id in 1...hogCount {
            burst += Frame.encode(TopKRequest(view: "item", k: 10, queries: .ids((1...64).map { Int64($0 + id) })), requestID: UInt64(id))
        }
        try hog.send(burst)
        // Its requests are all queued before ours (not a guess with a sleep: the server says so).
        let client = try RPCClient(port: server.port)
        var received: UInt64 = 0
        for _ in 0..<2_000 where received < UInt64(hogCount) {
            received = try client.stats().counter("requests.topk")
            if received < UInt64(hogCount) { usleep(1_000) }
        }
        try #require(received == UInt64(hogCount))
        // Another connection's request, then at once how many hog queries were searched so far.
        let reply = try client.topK(TopKRequest(view: "item", k: 5, queries: .ids([7])))
        #expect(reply.results.first?.ids.count == 5)
        let hogQueriesBefore = try client.stats().counter("queries.total") - 1
        // Round-robin: served after about one hog job (plus what runs during the STATS round
        // trips). FIFO served it after all 120; the bound leaves 80 to spare for a loaded box.
        #expect(hogQueriesBefore <= UInt64(64 * hogCount / 3), "waited for \(hogQueriesBefore / 64) of the hog's \(hogCount) requests")
        // The hog still gets everything.
        let frames = try ReplyBackpressureTests.read(hogCount, from: hog, timeout: 60)
        hog.close()
        #expect(Set(frames.map(\.header.requestID)) == Set((1...hogCount).map(UInt64.init)))
        #expect(frames.allSatisfy { $0.header.type == .topK.reply })
    }
}
