/// Turns cleaned events into a `PreparedDataset` for one split: split per user, sessions from
/// the train part only, per-view sequences and graphs, relations, user histories, item info.
///
/// Nothing from the held-out part reaches vocabularies, graphs, sequences or counts: every dense
/// id is assigned while walking train sessions.
public struct DatasetBuilder {
    public let log: EventLog
    public let rules: SessionRules
    /// Checked inside the long loops of grouping and building (every few milliseconds of work),
    /// so a SIGINT stops a 100M-event build promptly instead of at the next phase.
    public let interruption: Interruption
    let timelines: UserTimelines

    /// Users walked between interruption checks in the per-user passes of `build`.
    static let usersPerCheck = 1 << 12

    /// Groups and time-sorts `log`'s events per user (done once, shared by all splits).
    /// Throws `DataError(.interrupted)` when `interruption` is requested meanwhile.
    public init(log: EventLog, rules: SessionRules, interruption: Interruption = .process) throws {
        self.log = log
        self.rules = rules
        self.interruption = interruption
        self.timelines = try UserTimelines(log: log, interruption: interruption)
    }

    /// Builds the dataset of `split`, with its statistics. Throws `DataError(.interrupted)` when
    /// the builder's `interruption` is requested meanwhile (checked every `usersPerCheck` users
    /// of each per-user pass and between the per-view steps).
    public func build(split: DatasetSplit, source: [String: String] = [:]) throws -> (dataset: PreparedDataset, stats: SplitStats) {
        let viewCount = log.attributeNames.count
        // Split bounds first: their train sizes bound every buffer below.
        var bounds: [(trainEnd: Int, heldOutEnd: Int)] = []
        bounds.reserveCapacity(timelines.userCount)
        var trainEvents = 0
        try timelines.times.withUnsafeBufferPointer { allTimes in
            for u in 0..<timelines.userCount {
                if u % Self.usersPerCheck == 0 { try interruption.check() }
                let b = split.bounds(times: UnsafeBufferPointer(rebasing: allTimes[timelines.starts[u]..<timelines.starts[u + 1]]))
                bounds.append(b)
                trainEvents += b.trainEnd
            }
        }
        // The item view keeps its raw → dense map in `record` (below), not in the accumulator.
        var itemView = ViewAccumulator(name: "item", rawCount: 0, expectedTokens: trainEvents)
        var attributeViews = (0..<viewCount).map {
            ViewAccumulator(name: log.attributeNames[$0], rawCount: log.attributeValues[$0].count, expectedTokens: trainEvents)
        }
        var lengthCounts: [Int] = []  // sessions per length
        var sessionCount = 0
        // Per raw item, one cache line holds what the passes below need: [dense item id (0 =
        // none yet), raw attribute value + 1 per view (0 = unknown), held-out stamp].
        let stride = 2 + viewCount
        let stampColumn = stride - 1
        // Probed at random once per event: on huge pages (see `HugePageMemory`).
        let recordCount = log.itemCount * stride
        let record = HugePageMemory.allocateZeroed(Int32.self, count: recordCount)
        defer { HugePageMemory.deallocate(record, count: recordCount) }
        for v in 0..<viewCount {
            log.itemAttributes[v].withUnsafeBufferPointer { values in
                for item in 0..<values.count { record[item * stride + 1 + v] = values[item] }
            }
        }
        for item in 0..<log.itemCount { record[item * stride + stampColumn] = -1 }

        let timelineItems = timelines.items
        // Pass 1, in train order: dense item ids (assigned on first sight) and raw attribute values,
        // gathered into sequential arrays. The loop's loads are independent, so they overlap.
        var trainDense = [Int32](repeating: 0, count: trainEvents)
        var trainAttributes = [Int32](repeating: 0, count: trainEvents * viewCount)
        var t = 0
        var touched: Int32 = 0  // OR of record words loaded ahead of the loops that branch on them
        for u in 0..<timelines.userCount {
            if u % Self.usersPerCheck == 0 { try interruption.check() }
            let start = timelines.starts[u]
            // Load the user's record lines first: independent loads whose cache misses overlap
            // (the loop below branches on each, which would serialise them).
            for k in 0..<bounds[u].trainEnd { touched |= record[Int(timelineItems[start + k]) * stride] }
            for k in 0..<bounds[u].trainEnd {
                let item = timelineItems[start + k]
                let base = Int(item) * stride
                var d = record[base]
                if d == 0 {
                    d = itemView.newDense(item)
                    record[base] = d
                }
                trainDense[t] = d
                for v in 0..<viewCount { trainAttributes[t * viewCount + v] = record[base + 1 + v] }
                t += 1
            }
        }

        // Pass 2: sessions and per-view sequences from the sequential arrays. (The relation pairs
        // are one per item token with an attribute: `ItemRelation` derives them when asked.)
        t = 0
        try timelines.times.withUnsafeBufferPointer { allTimes in
            for u in 0..<timelines.userCount {
                if u % Self.usersPerCheck == 0 { try interruption.check() }
                let start = timelines.starts[u]
                let times = UnsafeBufferPointer(rebasing: allTimes[start..<timelines.starts[u + 1]])
                let b = bounds[u]
                let userFirst = t
                var sessionStart = 0
                while sessionStart < b.trainEnd {
                    var end = sessionStart + 1
                    while end < b.trainEnd && !isBoundary(times, start, end) { end += 1 }
                    // Chunks of ≤ maxLength.
                    var chunkStart = sessionStart
                    while chunkStart < end {
                        let chunkEnd = rules.maxLength.map { min(end, chunkStart + max($0, 1)) } ?? end
                        sessionCount += 1
                        let length = chunkEnd - chunkStart
                        if length >= lengthCounts.count { lengthCounts += [Int](repeating: 0, count: length + 1 - lengthCounts.count) }
                        lengthCounts[length] += 1
                        itemView.begin()
                        for v in 0..<viewCount { attributeViews[v].begin() }
                        for k in chunkStart..<chunkEnd {
                            itemView.pushDense(trainDense[userFirst + k])
                            for v in 0..<viewCount {
                                let value = trainAttributes[(userFirst + k) * viewCount + v]
                                if value != 0 { attributeViews[v].pushDense(attributeViews[v].dense(value - 1)) }
                            }
                        }
                        itemView.end()
                        for v in 0..<viewCount { attributeViews[v].end() }
                        chunkStart = chunkEnd
                    }
                    sessionStart = end
                }
                t += b.trainEnd
            }
        }
        try itemView.tally { try interruption.check() }
        for v in 0..<viewCount { try attributeViews[v].tally { try interruption.check() } }
        try interruption.check()

        // Views and relations.
        let items = log.items
        let views = [itemView.finish { items.string($0) }] + attributeViews.enumerated().map { v, acc in
            acc.finish { self.log.attributeValues[v].string($0) }
        }
        var relations: [ItemRelation] = []
        var relationStats: [SplitStats.RelationStats] = []
        for v in 0..<viewCount {
            try interruption.check()
            var attributeOfItem = [Int32](repeating: 0, count: itemView.rawOfDense.count)
            var known = 0
            for d in 1..<itemView.rawOfDense.count {
                if d & 15 == 1 {  // the next 16 items' record lines, loaded together
                    for e in d..<min(d + 16, itemView.rawOfDense.count) { touched |= record[Int(itemView.rawOfDense[e]) * stride + 1 + v] }
                }
                let value = record[Int(itemView.rawOfDense[d]) * stride + 1 + v]
                if value != 0 {
                    attributeOfItem[d] = attributeViews[v].denseOfRaw[Int(value - 1)]
                    known += 1
                }
            }
            let relation = ItemRelation(view: log.attributeNames[v], attributeOfItem: attributeOfItem, itemTokens: views[0].sequences.tokens)
            relations.append(relation)
            relationStats.append(.init(view: log.attributeNames[v], itemsWithAttribute: known, pairs: relation.pairCount))
        }

        // Users.
        var users: [UserHistory] = []
        users.reserveCapacity(timelines.userCount)
        var stats = SplitStats(split: split.name, users: 0, usersWithTrain: 0, usersWithHeldOut: 0, trainEvents: trainEvents,
                               heldOutEvents: 0, heldOutDistinct: 0, heldOutCold: 0, sessions: sessionCount,
                               sessionLengths: SplitStats.histogram(lengthCounts), views: [], relations: relationStats)
        var trainOffset = 0
        try interruption.check()
        for u in 0..<timelines.userCount {
            if u % Self.usersPerCheck == 0 { try interruption.check() }
            let start = timelines.starts[u]
            let b = bounds[u]
            let train = Array(trainDense[trainOffset..<(trainOffset + b.trainEnd)])
            trainOffset += b.trainEnd
            var heldOut: [Int32] = []
            for k in b.trainEnd..<b.heldOutEnd { touched |= record[Int(timelineItems[start + k]) * stride + stampColumn] }
            for k in b.trainEnd..<b.heldOutEnd {
                let base = Int(timelineItems[start + k]) * stride
                if record[base + stampColumn] == Int32(u) { continue }
                record[base + stampColumn] = Int32(u)
                let d = record[base]
                heldOut.append(d)
                if d == 0 { stats.heldOutCold += 1 }
            }
            stats.users += 1
            if !train.isEmpty { stats.usersWithTrain += 1 }
            if !heldOut.isEmpty { stats.usersWithHeldOut += 1 }
            stats.heldOutEvents += b.heldOutEnd - b.trainEnd
            stats.heldOutDistinct += heldOut.count
            users.append(UserHistory(user: log.users.string(Int32(u)), trainItems: train, heldOutItems: heldOut, heldOutCount: heldOut.count))
        }

        // Item display info, as columns (`DerivedItemInfo`): names only where titles are known.
        let itemVocabulary = views[0].vocabulary
        var displayNames: [String]?
        if !log.itemTitles.isEmpty {
            let names = itemView.rawOfDense.indices.map { d in
                let raw = Int(itemView.rawOfDense[d])
                return d > 0 && raw < log.itemTitles.count && !log.itemTitles[raw].isEmpty ? log.itemTitles[raw] : itemVocabulary[d]
            }
            if names != itemVocabulary { displayNames = names }
        }
        let itemAttributes = (0..<viewCount).map { v in
            (key: log.attributeNames[v], attributeOfItem: relations[v].attributeOfItem, vocabulary: views[v + 1].vocabulary)
        }
        stats.views = [itemView.stats()] + attributeViews.map { $0.stats() }

        var fullSource = source
        fullSource["split"] = split.description
        fullSource["idleGapSeconds"] = "\(rules.idleGap)"
        fullSource["maxSessionLength"] = rules.maxLength.map { "\($0)" } ?? "none"
        var dataset = PreparedDataset(views: views, relations: relations, users: users, items: [], source: fullSource)
        dataset.itemStorage = .derived(DerivedItemInfo(ids: itemVocabulary, displayNames: displayNames, attributes: itemAttributes))
        // Record words are ≥ -1, so their OR is never Int32.min; checking it keeps the loads.
        precondition(touched != Int32.min, "record words are ≥ -1")
        return (dataset, stats)
    }

    /// Whether a session boundary falls between user-local events `k - 1` and `k`.
    @inline(__always)
    private func isBoundary(_ times: UnsafeBufferPointer<Int64>, _ userStart: Int, _ k: Int) -> Bool {
        let gap = times[k] - times[k - 1]
        if gap > rules.idleGap { return true }
        if !log.eventAppSession.isEmpty && gap >= rules.appSessionMergeGap {
            let a = log.eventAppSession[Int(timelines.order[userStart + k - 1])]
            let b = log.eventAppSession[Int(timelines.order[userStart + k])]
            return a != b
        }
        return false
    }
}
