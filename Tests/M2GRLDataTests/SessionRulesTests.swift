import Testing
@testable import M2GRLData

/// The cleaning, session and view rules on small hand-made logs.
@Suite struct SessionRulesTests {
    @Test func dropsShortDwellAndSplitsAtOneHourGap() throws {
        let log = try Fixtures.log([
            "user\titem\ttimestamp\tdwell\tcategory",
            "u1\ta\t1000\t5\tc1",
            "u1\tb\t1100\t1.5\tc1",   // dwell < 2 s: dropped
            "u1\tc\t1200\t2\tc2",
            "u1\td\t4800\t10\tc2",    // gap 3600: same session
            "u1\te\t8401\t10\tc1",    // gap 3601: new session
        ])
        #expect(log.report.droppedShortDwell == 1)
        #expect(log.report.cleanedEvents == 4)
        let (data, stats) = try DatasetBuilder(log: log, rules: .behaviourLog).build(split: .all)
        #expect(stats.sessions == 2)
        #expect(Fixtures.sequences(data.itemView) == [["a", "c", "d"], ["e"]])
        #expect(Fixtures.sequences(data.views[1]) == [["c1", "c2"], ["c1"]])
        #expect(!data.itemView.vocabulary.contains("b"))
    }

    @Test func appSessionsMergeWhenReopenedWithinThirtyMinutes() throws {
        let log = try Fixtures.log([
            "user\titem\ttimestamp\tapp_session",
            "u1\ta\t0\ts1",
            "u1\tb\t1799\ts2",        // new app session after 1799 s (< 30 min): merged
            "u1\tc\t3598\ts3",        // new app session after 1799 s: merged
            "u1\td\t5398\ts4",        // new app session after 1800 s: split
            "u1\te\t7000\ts4",        // same app session, 1602 s: no split
        ])
        let (data, stats) = try DatasetBuilder(log: log, rules: .behaviourLog).build(split: .all)
        #expect(stats.sessions == 2)
        #expect(Fixtures.sequences(data.itemView) == [["a", "b", "c"], ["d", "e"]])
    }

    @Test func stableTimeOrderDedupEdgesAndRelations() throws {
        let log = try Fixtures.log([
            "user\titem\ttimestamp\tcategory\tshop",
            "u1\tx\t10\tc1\ts1",
            "u2\tp\t5\tc9\ts9",
            "u1\ty\t10\tc1\ts2",      // tie with x: keeps file order (x before y)
            "u1\tz\t5\tc2\ts2",       // earlier: sorted first
            "u1\ty\t20\tc1\ts2",      // consecutive duplicate y (after sort): removed in item view
            "u1\tx\t30\tc1\ts1",
            "u1\ty\t40\tc1\ts2",
        ])
        let (data, _) = try DatasetBuilder(log: log, rules: .behaviourLog).build(split: .all)
        #expect(data.views.map(\.name) == ["item", "category", "shop"])
        #expect(Fixtures.sequences(data.itemView) == [["z", "x", "y", "x", "y"], ["p"]])
        #expect(Fixtures.sequences(data.views[1]) == [["c2", "c1"], ["c9"]])
        #expect(Fixtures.sequences(data.views[2]) == [["s2", "s1", "s2", "s1", "s2"], ["s9"]])
        #expect(Fixtures.edges(data.itemView) == ["z>x:1", "x>y:2", "y>x:1"])
        #expect(Fixtures.edges(data.views[2]) == ["s2>s1:2", "s1>s2:2"])
        // Dense ids from 1, 0 reserved; counts match the sequences.
        #expect(data.itemView.vocabulary[0] == "" && data.itemView.counts[0] == 0)
        #expect(data.itemView.counts[Int(data.itemView.vocabulary.firstIndex(of: "y")!)] == 2)
        // Relations: attribute per item dense id, one pair per item occurrence.
        let shop = data.relations[1]
        #expect(shop.view == "shop")
        for (d, id) in data.itemView.vocabulary.enumerated().dropFirst() {
            let expected = ["x": "s1", "y": "s2", "z": "s2", "p": "s9"][id]!
            #expect(data.views[2].vocabulary[Int(shop.attributeOfItem[d])] == expected)
        }
        #expect(shop.pairs.count == 6 && shop.pairCount == 6)
        #expect(shop.pairs.map { "\(data.itemView.vocabulary[Int($0.item)]):\(data.views[2].vocabulary[Int($0.attribute)])" }
                == ["z:s2", "x:s1", "y:s2", "x:s1", "y:s2", "p:s9"])
        #expect(data.users.first { $0.user == "u1" }!.trainItems.map { data.itemView.vocabulary[Int($0)] } == ["z", "x", "y", "y", "x", "y"])
        #expect(data.items[1].attributes == ["category": data.views[1].vocabulary[Int(data.relations[0].attributeOfItem[1])],
                                             "shop": data.views[2].vocabulary[Int(shop.attributeOfItem[1])]])
    }

    @Test func movieLensRulesRatingGapAndChunks() throws {
        var options = LogReadOptions(minDwell: nil, minRating: 3)
        options.onError = .fail
        let year: Int64 = 365 * 86_400
        var lines = ["user_id:token\titem_id:token\trating:float\ttimestamp:float"]
        for k in 0..<7 { lines.append("u\ti\(k)\t4\t\(k)") }
        lines.append("u\tlow\t2\t8")                         // rating < 3: dropped
        lines.append("u\tlate\t3\t\(6 + year + 1)")          // gap > 1 year: new session
        let log = try Fixtures.log(lines, options: options)
        #expect(log.report.droppedLowRating == 1)
        let rules = SessionRules(idleGap: year, appSessionMergeGap: 1800, maxLength: 3)
        let (data, stats) = try DatasetBuilder(log: log, rules: rules).build(split: .all)
        #expect(Fixtures.sequences(data.itemView) == [["i0", "i1", "i2"], ["i3", "i4", "i5"], ["i6"], ["late"]])
        #expect(stats.sessionLengths.first { $0.minLength == 3 }?.sessions == 2)
        #expect(stats.sessionLengths.first { $0.minLength == 1 }?.sessions == 2)
    }
}
