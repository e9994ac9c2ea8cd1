import M2GRLData

/// The popularity baseline: every item scores its number of train interactions (all users).
public struct PopularityScorer: ItemScorer {
    public let candidateIDs: [String]
    /// Train interactions per item dense id (index 0 is not a candidate).
    public let counts: [Float]

    public init(dataset: PreparedDataset) {
        candidateIDs = dataset.itemView.vocabulary
        var counts = [Float](repeating: 0, count: dataset.itemView.nodeCount)
        for u in dataset.users { for i in u.trainItems where Int(i) < counts.count { counts[Int(i)] += 1 } }
        self.counts = counts
    }

    public func score(triggers: [Int], into scores: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<counts.count { scores[i] = counts[i] }
        scores[0] = -.infinity
    }
}
