import CMallocCounter
import Foundation
import M2GRLCore
import Snapshot
import Testing
import VectorIndex
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Run-to-completion TOPK: the inline path answers exactly what the worker path answers, and after
/// warm-up it adds no heap allocation of its own to a request.
@Suite struct InlineSearchTests {
    /// A snapshot with an HNSW `item` view (cheap: always inline) of 1,000 × 16.
    static func hnswSnapshot() throws -> LoadedSnapshot {
        var rng = FixtureRNG(state: 77)
        let ids = (1...1000).map(String.init)
        let index = try VectorIndex(factory: "HNSW16", dimension: 16)
        let keyMap = ViewKeyMap(externalIDs: ids)
        try index.add((0..<(1000 * 16)).map { _ in Float.random(in: -1...1, using: &rng) }, ids: keyMap.keys)
        return LoadedSnapshot(version: "hnsw", views: [ServedView(name: "item", kind: .view, index: index, keyMap: keyMap)], items: [])
    }

    /// A connection object for the inline state machine (its libuv handle is never used).
    static func connection(_ id: UInt64) -> Connection {
        Connection(id: id, handle: .allocate(capacity: 1), maximumBodyLength: 1 << 20, now: 0)
    }

    static func frame(_ request: TopKRequest, id: UInt64, flags: FrameFlags = []) -> [UInt8] {
        Frame.encode(request, flags: flags, requestID: id, capacity: 256)
    }

    /// Feeds `frames` through a decoder into `inline` (as the loop does) and returns the answers in order.
    static func runInline(_ inline: InlineSearch, _ frames: [[UInt8]], snapshot: LoadedSnapshot) -> (accepted: [Bool], replies: [[UInt8]]) {
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        let connection = connection(1)
        var accepted: [Bool] = []
        for bytes in frames {
            decoder.feed(bytes)
            let header = try! #require(try decoder.nextCompleteHeader())
            let ok = decoder.withFrontFrame(of: header) { body in
                inline.accept(header, body: body, snapshot: snapshot, connection: connection, receivedAt: 0)
            }
            accepted.append(ok)
            decoder.skipFrame(header)
        }
        var replies: [[UInt8]] = []
        inline.run(first: inline.pending.count, now: { 0 }) { replies.append(Array($0.frame)) }
        return (accepted, replies)
    }

    @Test func inlineRepliesEqualWorkerReplies() throws {
        let executor = TopKExecutor(maxK: 100, maxBatch: 64)
        for snapshot in [try Fixture.snapshot(version: "v1", seed: 3), try Self.hnswSnapshot()] {
            let view = try #require(snapshot.view(named: "item"))
            var rng = FixtureRNG(state: 9)
            var requests: [(TopKRequest, FrameFlags)] = []
            for i in 0..<12 {
                let count = 1 + i % 3
                let vectors = (0..<(count * view.dimension)).map { _ in Float.random(in: -1...1, using: &rng) }
                // k changes every 4 requests: runs of equal k share one Faiss call, a new k starts another.
                requests.append((TopKRequest(view: "item", k: UInt32(5 + i / 4 % 2 * 5), queries: .vectors(dimension: view.dimension, values: vectors)), []))
            }
            requests.append((TopKRequest(view: "item", k: 7, queries: .ids([3, 42, 100])), [.excludeQueryItems]))
            requests.append((TopKRequest(view: "item", k: 7, queries: .ids([5])), []))
            let inline = InlineSearch(maxK: 100, maxQueries: 16, flatMaxItems: 20_000)
            let frames = requests.enumerated().map { Self.frame($1.0, id: UInt64($0 + 1), flags: $1.1) }
            let (accepted, replies) = Self.runInline(inline, frames, snapshot: snapshot)
            #expect(accepted.allSatisfy { $0 })
            #expect(replies.count == requests.count)
            // k runs 5,5,5,5 | 10×4 | 5×4 | ids (k 7, exclude flag) | ids (k 7): 5 Faiss calls for 14 requests.
            #expect(inline.searchCalls == 5 && inline.requestsAnswered == 14)
            for (i, (request, flags)) in requests.enumerated() {
                let alone = executor.execute(SearchJob(connectionID: 1, requestID: UInt64(i + 1), flags: flags, request: request,
                                                      snapshot: snapshot, receivedAt: 0))
                // Batches stay under Faiss' BLAS threshold, so even batched scores are bit-identical.
                #expect(replies[i] == alone.bytes, "request \(i) on \(snapshot.version)")
            }
        }
    }

    @Test func expensiveOrInvalidRequestsAreLeftToTheUsualPath() throws {
        let snapshot = try Fixture.snapshot(version: "v1", seed: 3)
        let inline = InlineSearch(maxK: 100, maxQueries: 4, flatMaxItems: 100)  // the 300-item Flat view is "big" here
        let vector = [Float](repeating: 0.5, count: Fixture.itemDimension)
        let (bigFlat, _) = Self.runInline(inline, [Self.frame(TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: vector)), id: 1)],
                                         snapshot: snapshot)
        #expect(bigFlat == [false])
        let cheap = InlineSearch(maxK: 100, maxQueries: 4, flatMaxItems: 20_000)
        let frames = [
            TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: vector), exclude: [1]),     // exclude list
            TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: [Float](repeating: 1, count: 16 * 5))),  // > 4 queries
            TopKRequest(view: "nope", k: 5, queries: .vectors(dimension: 16, values: vector)),                   // unknown view
            TopKRequest(view: "item", k: 500, queries: .vectors(dimension: 16, values: vector)),                 // k > maxK
            TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 8, values: [Float](repeating: 1, count: 8))),  // dimension
            TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: [.nan] + vector.dropFirst())),  // NaN
            TopKRequest(view: "item", k: 5, queries: .ids([1, 99_999])),                                         // unknown item
        ].enumerated().map { Self.frame($1, id: UInt64($0 + 1)) }
        let (accepted, replies) = Self.runInline(cheap, frames, snapshot: snapshot)
        #expect(accepted == [Bool](repeating: false, count: frames.count))
        #expect(replies.isEmpty)
        let named = Self.frame(TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: vector)), id: 9, flags: .includeNames)
        #expect(Self.runInline(cheap, [named], snapshot: snapshot).accepted == [false])
    }

    @Test func budgetSplitsAnIterationBetweenLoopAndWorkers() throws {
        let snapshot = try Fixture.snapshot(version: "v1", seed: 3)
        let inline = InlineSearch(maxK: 100, maxQueries: 16, flatMaxItems: 20_000)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        let connection = Self.connection(1)
        for i in 0..<6 {
            let request = TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: [Float](repeating: Float(i), count: 16)))
            decoder.feed(Self.frame(request, id: UInt64(i)))
            let header = try #require(try decoder.nextCompleteHeader())
            #expect(decoder.withFrontFrame(of: header) { inline.accept(header, body: $0, snapshot: snapshot, connection: connection, receivedAt: 0) })
            decoder.skipFrame(header)
        }
        // The initial estimate is 50 µs per query: 120 µs fits two, zero still runs one.
        #expect(inline.inlineCount(budget: 120_000) == 2)
        #expect(inline.inlineCount(budget: 0) == 1)
        let overflow = inline.jobs(from: 2)
        #expect(overflow.map(\.requestID) == [2, 3, 4, 5])
        #expect(overflow[1].request == TopKRequest(view: "item", k: 5, queries: .vectors(dimension: 16, values: [Float](repeating: 3, count: 16))))
        var answered: [UInt64] = []
        inline.run(first: 2, now: { 0 }) { answered.append($0.pending.requestID) }
        #expect(answered == [0, 1])
        #expect(inline.isEmpty)
    }

    /// The whole inline path of one TOPK — decode from the receive buffer, gather, search, encode
    /// the reply, record stats — makes no heap allocation beyond Faiss' own for the same search.
    @Test func steadyStateTopKAllocatesNothingBeyondFaiss() throws {
        let snapshot = try Self.hnswSnapshot()
        let view = try #require(snapshot.view(named: "item"))
        let query = (0..<16).map { Float($0) / 16 - 0.5 }
        let frame = Self.frame(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: query)), id: 7)
        let inline = InlineSearch(maxK: 100, maxQueries: 16, flatMaxItems: 20_000)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        let connection = Self.connection(1)
        var stats = ServerStats()
        var replyBytes = 0
        let rounds = 200
        func oneRequest() {
            frame.withUnsafeBytes { decoder.feed($0) }
            guard let header = try? decoder.nextCompleteHeader() else { return }
            let ok = decoder.withFrontFrame(of: header) { body in
                inline.accept(header, body: body, snapshot: snapshot, connection: connection, receivedAt: 1)
            }
            decoder.skipFrame(header)
            stats.countRequest(header.type)
            if ok {
                inline.run(first: inline.pending.count, now: { 2 }) { answer in
                    replyBytes += answer.frame.count
                    stats.queries += UInt64(answer.pending.count)
                    stats.recordLatency(.topK, nanoseconds: 5_000)
                }
            }
        }
        for _ in 0..<10 { oneRequest() }   // warm-up: buffers reach their steady size
        // Faiss' own allocations for the same search into caller buffers.
        var scores = [Float](repeating: 0, count: 10), ids = [Int64](repeating: 0, count: 10)
        m2grl_malloc_counter_start()
        for _ in 0..<rounds {
            try query.withUnsafeBufferPointer { q in
                try scores.withUnsafeMutableBufferPointer { s in
                    try ids.withUnsafeMutableBufferPointer { i in
                        try view.index.search(queries: q, k: 10, parameters: view.searchParameters, scores: s, ids: i)
                    }
                }
            }
        }
        let faiss = m2grl_malloc_counter_stop()
        replyBytes = 0
        m2grl_malloc_counter_start()
        for _ in 0..<rounds { oneRequest() }
        let full = m2grl_malloc_counter_stop()
        #expect(replyBytes == rounds * TopKReplyEncoder.capacity(queryCount: 1, k: 10))
        // (To find an allocation that creeps in: `m2grl_malloc_counter_trace(20)` before the loop.)
        #expect(full <= faiss, "inline TOPK allocated \(full) times in \(rounds) requests; Faiss alone \(faiss)")
        // The counter itself works: an array allocation is seen.
        m2grl_malloc_counter_start()
        let probe = [Int](repeating: 1, count: Int.random(in: 100...200))
        #expect(m2grl_malloc_counter_stop() >= 1 && probe.count >= 100)
    }

    @Test func serverAnswersTheSameWithAndWithoutInline() throws {
        let snapshot = try Self.hnswSnapshot()
        // With the post-reply polling on, which must not keep the loop from stopping.
        let inlineServer = try Fixture.server(Fixture.configuration { $0.inlineSpinMicroseconds = 500 }, snapshot: snapshot)
        let workerServer = try Fixture.server(Fixture.configuration { $0.inlineBudgetMicroseconds = 0 }, snapshot: snapshot)
        defer {
            for server in [inlineServer, workerServer] { server.stop(); server.wait() }
        }
        let a = try RPCClient(.init(port: inlineServer.port))
        let b = try RPCClient(.init(port: workerServer.port))
        var rng = FixtureRNG(state: 4)
        var queryCount = 0
        for i in 0..<30 {
            let count = 1 + i % 4
            queryCount += count
            let vectors = (0..<(count * 16)).map { _ in Float.random(in: -1...1, using: &rng) }
            let request = TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: vectors))
            #expect(try a.topK(request) == b.topK(request))
        }
        let byID = TopKRequest(view: "item", k: 5, queries: .ids([1, 2, 3]))
        #expect(try a.topK(byID, flags: .excludeQueryItems) == b.topK(byID, flags: .excludeQueryItems))
        // Counted by the inline path too.
        #expect(try a.stats().counter("queries.total") == UInt64(queryCount + 3))
        #expect(try a.stats().counter("requests.topk") == 31)
        #expect(try a.stats().counter("topk.inline") == 31)
        #expect(try b.stats().counter("topk.inline") == 0)
    }

    /// A pipelined burst on one connection with a tiny budget: one request per loop iteration runs
    /// inline, the rest overflow to the workers; every reply is still the right one for its id.
    @Test func overflowToWorkersAnswersEveryPipelinedRequest() throws {
        let snapshot = try Self.hnswSnapshot()
        let busy = try Fixture.server(Fixture.configuration { $0.inlineBudgetMicroseconds = 1 }, snapshot: snapshot)
        let reference = try Fixture.server(Fixture.configuration { $0.inlineBudgetMicroseconds = 0 }, snapshot: snapshot)
        defer {
            for server in [busy, reference] { server.stop(); server.wait() }
        }
        var rng = FixtureRNG(state: 8)
        let vectorRequests = (0..<120).map { i in
            TopKRequest(view: "item", k: 10, queries: .vectors(dimension: 16, values: (0..<(16 * (1 + i % 3))).map { _ in Float.random(in: -1...1, using: &rng) }))
        }
        let idRequests = (1...40).map { TopKRequest(view: "item", k: 6, queries: .ids([Int64($0), Int64($0 + 500)])) }
        let a = try RPCClient(.init(port: busy.port)), b = try RPCClient(.init(port: reference.port))
        for (requests, flags) in [(vectorRequests, FrameFlags()), (idRequests, FrameFlags.excludeQueryItems)] {
            let got = try a.topK(pipelined: requests, flags: flags).map { try $0.get() }
            let want = try b.topK(pipelined: requests, flags: flags).map { try $0.get() }
            #expect(got == want)
        }
        let stats = try a.stats()
        #expect(stats.counter("queries.total") == UInt64(vectorRequests.reduce(0) { $0 + $1.queries.count } + 80))
        // Both paths served part of the burst.
        #expect(stats.counter("topk.inline") >= 1 && stats.counter("topk.inline") < 160)
    }
}
