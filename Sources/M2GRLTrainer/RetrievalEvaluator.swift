import M2GRLCore
import M2GRLData

/// The offline protocol of EVALUATION.md for one prepared dataset split.
///
/// Per user with held-out items: the trigger is the user's last train item (or the mean of the last 3);
/// candidates are all items the scorer knows, minus the triggers and every train item of the user;
/// the top K by score, ties by ascending numeric item id, are compared with all held-out items
/// (cold ones and ones the scorer lacks count as misses).
///
/// Triggers are taken strictly from the user's last train items, never from earlier ones the scorer
/// happens to know: with 1 trigger a user whose last train item has no vector gets no query and counts
/// as all misses (still in the denominator); with 3 the query averages the vectors that exist among
/// the last 3, and a user with none gets no query. The report counts both cases.
public struct RetrievalEvaluator: Sendable {
    public let dataset: PreparedDataset
    public let k: Int
    public let triggers: Int

    public init(dataset: PreparedDataset, k: Int = 50, triggers: Int = 1) throws {
        guard k >= 1 else { throw TrainerError(.invalidConfiguration, "K must be ≥ 1") }
        guard triggers >= 1 else { throw TrainerError(.invalidConfiguration, "triggers must be ≥ 1") }
        self.dataset = dataset
        self.k = k
        self.triggers = triggers
    }

    /// Whether any user has held-out items to evaluate on.
    public var hasHeldOut: Bool { dataset.users.contains { $0.heldOutCount > 0 } }

    /// Throws `.invalidDataset` when no user has held-out items (every figure would be 0 over 0 users).
    public func requireHeldOut() throws {
        guard hasHeldOut else {
            throw TrainerError(.invalidDataset, "no user of this split has held-out items: nothing to evaluate "
                               + "(use a split directory such as OUT/valid or OUT/test, not the training data)")
        }
    }

    /// How many of the split's items (`covered`) a model with these ids knows, of `total`.
    public func coverage(of ids: [String]) -> (covered: Int, total: Int) { Self.coverage(candidateIndex(of: ids)) }

    /// Dataset item dense id → the index of that item among `ids`, or -1 when the model does not
    /// know it (always -1 for the reserved id 0).
    func candidateIndex(of ids: [String]) -> [Int] {
        var rowOf: [String: Int] = [:]
        for (i, id) in ids.enumerated() { rowOf[id] = i }
        let vocab = dataset.itemView.vocabulary
        var candidateOf = [Int](repeating: -1, count: vocab.count)
        for i in 1..<max(vocab.count, 1) { candidateOf[i] = rowOf[vocab[i]] ?? -1 }
        return candidateOf
    }

    /// The covered and total dataset items of a `candidateIndex(of:)` map.
    static func coverage(_ candidateOf: [Int]) -> (covered: Int, total: Int) {
        (candidateOf.dropFirst().reduce(0) { $1 >= 0 ? $0 + 1 : $0 }, max(candidateOf.count - 1, 0))
    }

    /// The checks a stand-alone evaluation makes before scoring (`m2grl evaluate`): the split has
    /// held-out users and the model (`label`, with candidate `ids`) knows at least one of its items.
    /// Returns the coverage; throws `.invalidDataset` / `.invalidModel` saying what is wrong.
    @discardableResult
    public func requireEvaluable(ids: [String], label: String) throws -> (covered: Int, total: Int) {
        try requireHeldOut()
        let c = coverage(of: ids)
        guard c.covered > 0 else {
            let sample = ids.prefix(3).map { CoreError.excerpt($0, limit: 30) }.joined(separator: ", ")
            throw TrainerError(.invalidModel, "\(label): none of its \(ids.count) ids is an item of this split "
                               + "(\(c.total) items; its ids look like \(sample)): not an item table?")
        }
        return c
    }

    /// Evaluates an embedding table by raw inner product.
    public func evaluate(table: EmbeddingTable) -> EvaluationReport { evaluate(EmbeddingScorer(table: table)) }

    /// Evaluates any scorer.
    public func evaluate<S: ItemScorer>(_ scorer: S) -> EvaluationReport {
        let ids = scorer.candidateIDs
        let candidateOf = candidateIndex(of: ids)
        let tieRank = Self.tieRanks(ids)
        var scores = [Float](repeating: 0, count: ids.count)
        var selector = TopKSelector(k: k)
        var report = EvaluationReport(k: k, triggers: triggers, users: [], hit: [], recall: [], precision: [])
        (report.coveredItems, report.datasetItems) = Self.coverage(candidateOf)
        for user in dataset.users where user.heldOutCount > 0 {
            let mapped = user.trainItems.map { Int($0) < candidateOf.count ? candidateOf[Int($0)] : -1 }
            let last = mapped.suffix(triggers)
            let trig = last.filter { $0 >= 0 }
            if trig.isEmpty { report.usersWithoutTrigger += 1 }
            else if trig.count < last.count { report.usersWithPartialTrigger += 1 }
            var top: [Int] = []
            if !trig.isEmpty {
                scores.withUnsafeMutableBufferPointer { s in
                    scorer.score(triggers: trig, into: s)
                    for c in mapped where c >= 0 { s[c] = -.infinity }
                }
                top = scores.withUnsafeBufferPointer { s in tieRank.withUnsafeBufferPointer { selector.select(scores: s, tieRank: $0) } }
            }
            let topSet = Set(top)
            var hits = 0
            for item in Set(user.heldOutItems) where item > 0 && Int(item) < candidateOf.count {
                let c = candidateOf[Int(item)]
                if c >= 0, topSet.contains(c) { hits += 1 }
            }
            report.users.append(user.user)
            report.hit.append(hits > 0 ? 1 : 0)
            report.recall.append(Double(hits) / Double(user.heldOutCount))
            report.precision.append(Double(hits) / Double(k))
        }
        return report
    }

    /// Rank of each id in ascending order: numeric ids numerically (before non-numeric ones),
    /// others by string.
    static func tieRanks(_ ids: [String]) -> [Int32] {
        let order = ids.indices.sorted { a, b in
            switch (Int(ids[a]), Int(ids[b])) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return ids[a] != ids[b] ? ids[a] < ids[b] : a < b
            }
        }
        var rank = [Int32](repeating: 0, count: ids.count)
        for (r, i) in order.enumerated() { rank[i] = Int32(r) }
        return rank
    }
}
