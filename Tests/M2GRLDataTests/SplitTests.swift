import Testing
@testable import M2GRLData

/// Train / valid / test and time-cutoff splits; held-out data never reaches the train side.
@Suite struct SplitTests {
    static func log() throws -> EventLog {
        var lines = ["user\titem\ttimestamp\tcategory"]
        for k in 0..<11 { lines.append("u1\ti\(k % 4)\t\(k * 10)\tc\(k % 2)") }
        lines.append("u1\tcold\t200\tcnew")   // only ever in the held-out part
        lines.append("u2\ti0\t300\tc0")
        return try Fixtures.log(lines)
    }

    @Test func testSplitHoldsOutLastFifth() throws {
        let (data, stats) = try DatasetBuilder(log: try Self.log(), rules: .behaviourLog).build(split: .test)
        // u1: 12 events → 3 held out (i1 i2 cold), 9 train; u2: 1 event → held out.
        #expect(stats.trainEvents == 9)
        #expect(stats.heldOutEvents == 4)
        let u1 = data.users.first { $0.user == "u1" }!
        #expect(u1.trainItems.count == 9)
        #expect(u1.heldOutCount == 3)
        #expect(u1.heldOutItems.filter { $0 == 0 }.count == 1)
        #expect(!data.itemView.vocabulary.contains("cold"))
        #expect(!data.views[1].vocabulary.contains("cnew"))
        let u2 = data.users.first { $0.user == "u2" }!
        #expect(u2.trainItems.isEmpty && u2.heldOutCount == 1)
        #expect(data.itemView.counts.reduce(0, +) == Int64(data.itemView.sequences.tokens.count))
        #expect(data.itemView.sequences.tokens.count == 9)
    }

    @Test func validSplitAppliesRuleToTestTrainPart() throws {
        let (data, stats) = try DatasetBuilder(log: try Self.log(), rules: .behaviourLog).build(split: .valid)
        // u1: test train part = 9 → valid holds out 2, trains on 7; u2: nothing left.
        #expect(stats.trainEvents == 7)
        #expect(stats.heldOutEvents == 2)
        let u1 = data.users.first { $0.user == "u1" }!
        #expect(u1.heldOutItems.map { data.itemView.vocabulary[Int($0)] }.sorted() == ["i3", "i0"].sorted())
    }

    @Test func cutoffSplitTrainsBeforeTimestamp() throws {
        let (data, stats) = try DatasetBuilder(log: try Self.log(), rules: .behaviourLog).build(split: .cutoff(50))
        #expect(stats.trainEvents == 5)       // u1 events at 0..40
        #expect(stats.heldOutEvents == 8)     // the rest, u2 included
        #expect(Set(data.itemView.vocabulary.dropFirst()) == ["i0", "i1", "i2", "i3"])
        let u1 = data.users.first { $0.user == "u1" }!
        #expect(u1.heldOutCount == 5)         // i1 i2 i3 i0 cold, distinct
        #expect(u1.heldOutItems.last == 0)
    }
}
