import Testing
import WireProtocol
@testable import M2GRLBench

@Suite struct HistogramTests {
    @Test func smallValuesAreExactAndLargeOnesWithinResolution() {
        var h = LogLinearHistogram(significantBits: 8)
        for v in 1...100 { h.record(UInt64(v)) }
        #expect(h.percentile(0.5) == 50)
        #expect(h.percentile(0.99) == 99)
        #expect(h.percentile(1.0) == 100)
        #expect(h.count == 100 && h.min == 1 && h.max == 100)
        #expect(abs(h.mean - 50.5) < 1e-9)
        // Every value maps to a bucket whose highest value is >= it and within 1/128 above.
        for v: UInt64 in [255, 256, 257, 1000, 12_345, 1_000_000, 987_654_321, 1 << 40] {
            let top = h.highestValue(inBucket: h.bucket(of: v))
            #expect(top >= v)
            #expect(Double(top - v) <= Double(v) / 128)
            #expect(h.bucket(of: top) == h.bucket(of: v))
            #expect(h.bucket(of: top + 1) == h.bucket(of: v) + 1)
        }
    }

    @Test func nearestRankPercentilesOfASkewedDistribution() {
        var h = LogLinearHistogram()
        for _ in 0..<990 { h.record(20_000) }  // 20 µs
        for _ in 0..<10 { h.record(5_000_000) } // 5 ms tail: 1 %
        let p99 = h.percentile(0.99), p999 = h.percentile(0.999)
        #expect(p99 >= 20_000 && p99 <= 20_000 + 20_000 / 128)
        #expect(p999 == 5_000_000) // clamped to the recorded max
        #expect(h.percentile(0.5) == p99)
    }

    @Test func mergeEqualsRecordingEverythingInOne() {
        var a = LogLinearHistogram(), b = LogLinearHistogram(), all = LogLinearHistogram()
        for v in stride(from: UInt64(1), to: 10_000_000, by: 7919) {
            if v % 2 == 0 { a.record(v) } else { b.record(v) }
            all.record(v)
        }
        a.merge(b)
        #expect(a == all)
        #expect(LogLinearHistogram().percentile(0.5) == 0)
    }
}

@Suite struct OpenLoopScheduleTests {
    @Test func sendersInterleaveIntoAnEvenStream() throws {
        let schedule = try OpenLoopSchedule(rate: 1000, senders: 4) // one request per ms overall
        var all: [UInt64] = []
        for s in 0..<4 { for j in 0..<schedule.requestCount(sender: s, seconds: 1) { all.append(schedule.offset(sender: s, index: j)) } }
        all.sort()
        #expect(all.count == 1000)
        #expect(all.first == 0)
        #expect(zip(all, all.dropFirst()).allSatisfy { $1 - $0 == 1_000_000 })
        #expect(all.last! < 1_000_000_000)
        #expect(schedule.offset(sender: 1, index: 2) == 9_000_000) // slot 2·4 + 1 = 9
    }

    @Test func countsWithFractionalTotals() throws {
        let schedule = try OpenLoopSchedule(rate: 10.5, senders: 3) // 10.5 slots in 1 s → slots 0...10
        let counts = (0..<3).map { schedule.requestCount(sender: $0, seconds: 1) }
        #expect(counts == [4, 4, 3])
        #expect(try OpenLoopSchedule(rate: 1, senders: 8).requestCount(sender: 5, seconds: 1) == 0)
        #expect(throws: BenchError.self) { try OpenLoopSchedule(rate: 0, senders: 1) }
        #expect(throws: BenchError.self) { try OpenLoopSchedule(rate: 100, senders: 0) }
    }
}

@Suite struct WorkloadTests {
    @Test func mixParsingAndSmoothPattern() throws {
        let mix = try BenchWorkload.parseMix("vector:2,id")
        #expect(mix.map(\.op) == [.vector, .id] && mix.map(\.weight) == [2, 1])
        #expect(BenchWorkload.pattern(mix) == [.vector, .id, .vector])
        #expect(throws: BenchError.self) { try BenchWorkload.parseMix("vector,bogus") }
        #expect(throws: BenchError.self) { try BenchWorkload.parseMix("vector:0") }
        #expect(throws: BenchError.self) { try BenchWorkload.parseMix("id,id") }
    }

    @Test func framesCycleAndRequestIDsArePatched() throws {
        let vectors: [Float] = [1, 0, 0, 1, 1, 1] // 3 queries of dimension 2
        let workload = try BenchWorkload(mix: [(.vector, 1), (.batch, 1)], view: "item", k: 5, vectors: vectors, dimension: 2,
                                         keys: [], batchSize: 2)
        #expect(workload.request(0).slot == 0 && workload.request(1).slot == 1)
        var (_, frame) = workload.request(3) // batch op, second frame: queries 1 and 2
        BenchConnection.setRequestID(0xABCD, in: &frame)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 16)
        decoder.feed(frame)
        let decoded = try #require(try decoder.next())
        #expect(decoded.header.requestID == 0xABCD)
        let request = try decoded.decode(TopKRequest.self)
        #expect(request.queries == .vectors(dimension: 2, values: [0, 1, 1, 1]))
        #expect(throws: BenchError.self) {
            try BenchWorkload(mix: [(.id, 1)], view: "item", k: 5, vectors: vectors, dimension: 2, keys: [], batchSize: 1)
        }
    }

    @Test func idAndDiverseOpsUseStoredKeys() throws {
        let workload = try BenchWorkload(mix: [(.id, 1), (.diverse, 1)], view: "item", k: 7, vectors: [], dimension: 0,
                                         keys: [11, 22], batchSize: 1)
        var decoder = FrameDecoder(maximumBodyLength: 1 << 16)
        decoder.feed(workload.request(0).frame + workload.request(3).frame)
        let topK = try #require(try decoder.next()).decode(TopKRequest.self)
        #expect(topK.queries == .ids([11]) && topK.k == 7)
        let diverse = try #require(try decoder.next()).decode(DiverseRequest.self)
        #expect(diverse.triggers == [22] && diverse.k == 7)
    }

    @Test func groundTruthAndRecall() throws {
        let truth = try BenchDataset.parseGroundTruth("0\t3,1,2\n1\t5,4,6\n", queries: 2)
        let dataset = BenchDataset(queries: [0, 0, 0, 0], dimension: 2, truth: truth)
        #expect(dataset.recall([["1", "3"], ["4", "9"]], k: 2) == 0.75)
        #expect(throws: BenchError.self) { try BenchDataset.parseGroundTruth("1\t3\n", queries: 1) }
    }
}
