/// Turns cleaned events into a `PreparedDataset` for one split: split per user, sessions from
/// the train part only, per-view sequences and graphs, relations, user histories, item info.
///
/// Nothing from the held-out part reaches vocabularies, graphs, sequences or counts: every dense
/// id is assigned while walking train sessions.
public struct DatasetBuilder {
    public let log: EventLog
    public let rules: SessionRules
    let timelines: UserTimelines

    /// Groups and time-sorts `log`'s events per user (done once, shared by all splits).
    public init(log: EventLog, rules: SessionRules) {
        self.log = log
        self.rules = rules
        self.timelines = UserTimelines(log: log)
    }

    /// Builds the dataset of `split`, with its statistics.
    public func build(split: DatasetSplit, source: [String: String] = [:]) -> (dataset: PreparedDataset, stats: SplitStats) {
        let viewCount = log.attributeNames.count
        var itemView = ViewAccumulator(name: "item", rawCount: log.itemCount)
        var attributeViews = (0..<viewCount).map { ViewAccumulator(name: log.attributeNames[$0], rawCount: log.attributeValues[$0].count) }
        var pairs: [[(item: Int32, attribute: Int32)]] = Array(repeating: [], count: viewCount)
        var lengthCounts: [Int] = []  // sessions per length
        var sessionCount = 0
        var trainEvents = 0
        var bounds: [(trainEnd: Int, heldOutEnd: Int)] = []
        bounds.reserveCapacity(timelines.userCount)
        var dedupedItems: [Int32] = []  // raw item ids of the current item sequence

        let timelineItems = timelines.items
        let itemAttributes = log.itemAttributes
        timelines.times.withUnsafeBufferPointer { allTimes in
            for u in 0..<timelines.userCount {
                let start = timelines.starts[u]
                let times = UnsafeBufferPointer(rebasing: allTimes[start..<timelines.starts[u + 1]])
                let b = split.bounds(times: times)
                bounds.append(b)
                trainEvents += b.trainEnd
                // Sessions over the train part.
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
                        dedupedItems.removeAll(keepingCapacity: true)
                        for k in chunkStart..<chunkEnd {
                            let item = timelineItems[start + k]
                            if dedupedItems.last != item { dedupedItems.append(item) }
                            itemView.push(item)
                            for v in 0..<viewCount {
                                let value = itemAttributes[v][Int(item)]
                                if value != 0 { attributeViews[v].push(value - 1) }
                            }
                        }
                        for v in 0..<viewCount {
                            for item in dedupedItems {
                                let value = itemAttributes[v][Int(item)]
                                if value != 0 {
                                    pairs[v].append((itemView.dense(item), attributeViews[v].dense(value - 1)))
                                }
                            }
                        }
                        itemView.end()
                        for v in 0..<viewCount { attributeViews[v].end() }
                        chunkStart = chunkEnd
                    }
                    sessionStart = end
                }
            }
        }

        // Views and relations.
        let items = log.items
        let views = [itemView.finish { items.string($0) }] + attributeViews.enumerated().map { v, acc in
            acc.finish { self.log.attributeValues[v].string($0) }
        }
        var relations: [ItemRelation] = []
        var relationStats: [SplitStats.RelationStats] = []
        for v in 0..<viewCount {
            var attributeOfItem = [Int32](repeating: 0, count: itemView.rawOfDense.count)
            var known = 0
            for d in 1..<itemView.rawOfDense.count {
                let value = itemAttributes[v][Int(itemView.rawOfDense[d])]
                if value != 0 {
                    attributeOfItem[d] = attributeViews[v].denseOfRaw[Int(value - 1)]
                    known += 1
                }
            }
            relations.append(ItemRelation(view: log.attributeNames[v], attributeOfItem: attributeOfItem, pairs: pairs[v]))
            relationStats.append(.init(view: log.attributeNames[v], itemsWithAttribute: known, pairs: pairs[v].count))
        }

        // Users.
        var users: [UserHistory] = []
        users.reserveCapacity(timelines.userCount)
        var seenStamp = [Int32](repeating: -1, count: log.itemCount)
        var stats = SplitStats(split: split.name, users: 0, usersWithTrain: 0, usersWithHeldOut: 0, trainEvents: trainEvents,
                               heldOutEvents: 0, heldOutDistinct: 0, heldOutCold: 0, sessions: sessionCount,
                               sessionLengths: SplitStats.histogram(lengthCounts), views: [], relations: relationStats)
        for u in 0..<timelines.userCount {
            let start = timelines.starts[u]
            let b = bounds[u]
            var train: [Int32] = []
            train.reserveCapacity(b.trainEnd)
            for k in 0..<b.trainEnd { train.append(itemView.denseOfRaw[Int(timelineItems[start + k])]) }
            var heldOut: [Int32] = []
            for k in b.trainEnd..<b.heldOutEnd {
                let raw = Int(timelineItems[start + k])
                if seenStamp[raw] == Int32(u) { continue }
                seenStamp[raw] = Int32(u)
                let d = itemView.denseOfRaw[raw]
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

        // Item display info.
        var itemInfos = [ItemInfo(id: "", displayName: "")]
        itemInfos.reserveCapacity(itemView.rawOfDense.count)
        for d in 1..<itemView.rawOfDense.count {
            let raw = itemView.rawOfDense[d]
            let id = items.string(raw)
            let title = Int(raw) < log.itemTitles.count ? log.itemTitles[Int(raw)] : ""
            var attributes: [String: String] = [:]
            for v in 0..<viewCount {
                if let value = log.attributeValue(view: v, item: raw) { attributes[log.attributeNames[v]] = value }
            }
            itemInfos.append(ItemInfo(id: id, displayName: title.isEmpty ? id : title, attributes: attributes))
        }
        stats.views = [itemView.stats()] + attributeViews.map { $0.stats() }

        var fullSource = source
        fullSource["split"] = split.description
        fullSource["idleGapSeconds"] = "\(rules.idleGap)"
        fullSource["maxSessionLength"] = rules.maxLength.map { "\($0)" } ?? "none"
        let dataset = PreparedDataset(views: views, relations: relations, users: users, items: itemInfos, source: fullSource)
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
