import Foundation
import Snapshot
import Testing
import VectorIndex
import WireProtocol
@testable import RPCClient
@testable import RPCServer

/// Micro-batching: jobs answered together by one Faiss call get exactly the replies they would get alone.
@Suite struct MicroBatchTests {
    static let executor = TopKExecutor(maxK: 100, maxBatch: 64)

    static func job(_ request: TopKRequest, _ snapshot: LoadedSnapshot, id: UInt64, flags: FrameFlags = []) -> SearchJob {
        SearchJob(connectionID: id % 3, requestID: id, flags: flags, request: request, snapshot: snapshot, receivedAt: 0)
    }

    static func decode(_ bytes: [UInt8]) throws -> Frame {
        var decoder = FrameDecoder(maximumBodyLength: 1 << 20)
        decoder.feed(bytes)
        return try #require(try decoder.next())
    }

    /// Same ids in the same order; scores equal up to float rounding (BLAS sums in another order).
    static func expectSame(_ batched: [UInt8], _ alone: [UInt8]) throws {
        let a = try decode(batched), b = try decode(alone)
        #expect(a.header.type == b.header.type)
        #expect(a.header.requestID == b.header.requestID)
        guard a.header.type == .topK.reply else {
            #expect(a.bytes == b.bytes)
            return
        }
        let x = try a.decodeTopKReply(), y = try b.decodeTopKReply()
        #expect(x.results.count == y.results.count)
        for (p, q) in zip(x.results, y.results) {
            #expect(p.ids == q.ids)
            #expect(zip(p.scores, q.scores).allSatisfy { abs($0 - $1) <= 1e-4 })
            #expect(p.names == q.names)
        }
    }

    @Test func batchedAnswersEqualSingleAnswers() throws {
        // 24 jobs with 30 queries: past Faiss' BLAS threshold (20), so the batch is one matrix product.
        let snapshot = try Fixture.snapshot(version: "v1", seed: 11)
        var rng = FixtureRNG(state: 5)
        var jobs: [SearchJob] = []
        for i in 0..<24 {
            let count = i % 4 == 0 ? 3 : 1
            let vectors = (0..<(count * Fixture.itemDimension)).map { _ in Float.random(in: -1...1, using: &rng) }
            jobs.append(Self.job(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: Fixture.itemDimension, values: vectors)),
                                 snapshot, id: UInt64(i + 1)))
        }
        // A bad job in the middle (NaN) fails alone without disturbing its neighbours.
        jobs.insert(Self.job(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: Fixture.itemDimension,
                                                                                  values: [Float](repeating: .nan, count: Fixture.itemDimension))),
                             snapshot, id: 99), at: 7)
        #expect(Set(jobs.map(BatchKey.init)).count == 1)
        let batched = Self.executor.execute(batch: jobs, scratch: SearchScratch())
        #expect(batched.count == jobs.count)
        #expect(batched[7].error == .invalidArgument)
        for (job, outcome) in zip(jobs, batched) {
            try Self.expectSame(outcome.bytes, Self.executor.execute(job).bytes)
        }
        // And the answers are the in-process Faiss answers.
        let view = try #require(snapshot.view(named: "item"))
        guard case .vectors(_, let values) = jobs[0].request.queries else { Issue.record("not vectors"); return }
        let reply = try Self.decode(batched[0].bytes).decodeTopKReply()
        #expect(reply.results.map(\.ids) == (try Fixture.expected(view, vectors: values, k: 10)).map(\.ids))
    }

    @Test func batchedByIDWithExcludedQueryItemsAndNames() throws {
        let snapshot = try Fixture.snapshot(version: "v1", seed: 12)
        let flags: FrameFlags = [.excludeQueryItems, .includeNames]
        var jobs = (1...10).map { i in Self.job(TopKRequest(view: "item", k: 5, queries: .ids([Int64(i * 7)])), snapshot, id: UInt64(i), flags: flags) }
        jobs.append(Self.job(TopKRequest(view: "item", k: 5, queries: .ids([100_000])), snapshot, id: 50, flags: flags)) // unknown item
        let scratch = SearchScratch(reservingFloats: 0, results: 0) // buffers must grow on demand
        let batched = Self.executor.execute(batch: jobs, scratch: scratch)
        #expect(batched.last?.error == .unknownItem)
        for (job, outcome) in zip(jobs, batched) { try Self.expectSame(outcome.bytes, Self.executor.execute(job).bytes) }
        let first = try Self.decode(batched[0].bytes).decodeTopKReply()
        #expect(first.results[0].ids.count == 5 && !first.results[0].ids.contains(7))
        // Reused scratch: a second, smaller batch gives the same answers again.
        let again = Self.executor.execute(batch: Array(jobs.prefix(3)), scratch: scratch)
        for (a, b) in zip(again, batched) { #expect(a.bytes == b.bytes) }
    }

    @Test func keysSeparateWhatCannotShareASearch() throws {
        let snapshot = try Fixture.snapshot(version: "v1", seed: 13)
        let other = try Fixture.snapshot(version: "v2", seed: 13)
        let base = Self.job(TopKRequest(view: "item", k: 10, queries: .ids([1])), snapshot, id: 1)
        #expect(BatchKey(base) == BatchKey(Self.job(TopKRequest(view: "item", k: 10, queries: .ids([2, 3])), snapshot, id: 2)))
        #expect(BatchKey(base) != BatchKey(Self.job(TopKRequest(view: "item", k: 11, queries: .ids([2])), snapshot, id: 3)))
        #expect(BatchKey(base) != BatchKey(Self.job(TopKRequest(view: "genre", k: 10, queries: .ids([2])), snapshot, id: 4)))
        #expect(BatchKey(base) != BatchKey(Self.job(TopKRequest(view: "item", k: 10, queries: .ids([2])), other, id: 5)))
        #expect(BatchKey(base) != BatchKey(Self.job(TopKRequest(view: "item", k: 10, queries: .ids([2])), snapshot, id: 6, flags: .includeNames)))
        let excluding = Self.job(TopKRequest(view: "item", k: 10, queries: .ids([2]), exclude: [5]), snapshot, id: 7)
        #expect(BatchKey(excluding) != BatchKey(Self.job(TopKRequest(view: "item", k: 10, queries: .ids([2]), exclude: [5]), snapshot, id: 8)))
    }

    /// Through the real server with one worker: many pipelined requests queue up and are batched;
    /// every reply equals the in-process answer.
    @Test func pipelinedRequestsThroughOneWorker() throws {
        let snapshot = try Fixture.snapshot(version: "v1", seed: 14)
        let server = try Fixture.server(Fixture.configuration { $0.workerThreads = 1 }, snapshot: snapshot)
        defer { server.stop() }
        let client = try RPCClient(port: server.port)
        var rng = FixtureRNG(state: 9)
        let requests = (0..<200).map { _ in
            TopKRequest(view: "item", k: 10, queries: .vectors(dimension: Fixture.itemDimension,
                                                                values: (0..<Fixture.itemDimension).map { _ in Float.random(in: -1...1, using: &rng) }))
        }
        let replies = try client.topK(pipelined: requests)
        let view = try #require(snapshot.view(named: "item"))
        for (request, reply) in zip(requests, replies) {
            guard case .vectors(_, let values) = request.queries else { continue }
            #expect(try reply.get().results.map(\.ids) == (try Fixture.expected(view, vectors: values, k: 10)).map(\.ids))
        }
    }
}
