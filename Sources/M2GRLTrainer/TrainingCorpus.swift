import M2GRLData

/// The example stream of one run, prepared once: for every task its units (a centre position of a
/// view's sequences, or one (item, attribute) occurrence), the noise samplers, and sequence bounds.
///
/// A unit is encoded `task << 40 | index`; each epoch shuffles all units of all tasks together.
public struct TrainingCorpus: Sendable {
    /// Flat tokens per dataset view (empty for views without an intra task).
    public let tokens: [SharedBuffer<Int32>]
    /// For each token, the `[start, end)` of its sequence, packed `start << 32 | end`.
    public let bounds: [SharedBuffer<UInt64>]
    /// Per alignment task: items and attributes of the occurrences (attribute 0 dropped).
    public let pairItems: [SharedBuffer<Int32>]
    public let pairAttributes: [SharedBuffer<Int32>]
    /// Noise sampler per dataset view (empty views have an empty sampler).
    public let noise: [NoiseSampler]
    /// Units of one epoch in canonical (unshuffled) order.
    public let units: [UInt64]
    /// Positive pairs per epoch by task at the full window (dynamic windows see fewer).
    public let unitCounts: [Int]
    /// Frequent-item subsampling of the intra-view tokens (`skipgram.sample`; inactive at 0).
    public let subsampler: Subsampler
    /// Frequency-aware alignment pull on item rows (`alignment.item_frequency_*`; inactive at 0).
    public let itemPull: ItemPull

    public init(dataset: PreparedDataset, plan: TaskPlan, config: TrainingConfiguration) throws {
        var tokens = Array(repeating: [Int32](), count: dataset.views.count)
        var bounds = Array(repeating: [UInt64](), count: dataset.views.count)
        var units: [UInt64] = []
        var unitCounts: [Int] = []
        for (t, task) in plan.intra.enumerated() {
            let view = dataset.views[task.view]
            let seqs = view.sequences
            guard seqs.offsets.first == 0, seqs.offsets.last == seqs.tokens.count else {
                throw TrainerError(.invalidDataset, "view \(view.name): sequence offsets do not cover the tokens")
            }
            var b = [UInt64](repeating: 0, count: seqs.tokens.count)
            var n = 0
            for s in 0..<seqs.count {
                let lo = seqs.offsets[s], hi = seqs.offsets[s + 1]
                guard lo <= hi else { throw TrainerError(.invalidDataset, "view \(view.name): offsets decrease at \(s)") }
                for p in lo..<hi {
                    let tok = seqs.tokens[p]
                    guard tok > 0, Int(tok) < view.nodeCount else {
                        throw TrainerError(.invalidDataset, "view \(view.name): token \(tok) outside 1..<\(view.nodeCount)")
                    }
                    b[p] = UInt64(lo) << 32 | UInt64(hi)
                    if hi - lo >= 2 { units.append(UInt64(t) << 40 | UInt64(p)); n += 1 }
                }
            }
            tokens[task.view] = seqs.tokens
            bounds[task.view] = b
            unitCounts.append(n)
        }
        var pairItems: [[Int32]] = [], pairAttributes: [[Int32]] = []
        let itemCount = dataset.views[0].nodeCount
        for (a, task) in plan.alignment.enumerated() {
            let t = plan.intra.count + a
            let rel = dataset.relations[task.relation]
            let attrCount = dataset.views[task.attributeView].nodeCount
            var items: [Int32] = [], attrs: [Int32] = []
            for pair in rel.pairs where pair.attribute != 0 {
                guard pair.item > 0, Int(pair.item) < itemCount, pair.attribute > 0, Int(pair.attribute) < attrCount else {
                    throw TrainerError(.invalidDataset, "relation \(rel.view): pair (\(pair.item), \(pair.attribute)) out of range")
                }
                units.append(UInt64(t) << 40 | UInt64(items.count))
                items.append(pair.item)
                attrs.append(pair.attribute)
            }
            pairItems.append(items)
            pairAttributes.append(attrs)
            unitCounts.append(items.count)
        }
        guard !units.isEmpty else { throw TrainerError(.invalidDataset, "no training examples: every sequence is shorter than 2") }
        self.tokens = tokens.map(SharedBuffer.init)
        self.bounds = bounds.map(SharedBuffer.init)
        self.pairItems = pairItems.map(SharedBuffer.init)
        self.pairAttributes = pairAttributes.map(SharedBuffer.init)
        self.units = units
        self.unitCounts = unitCounts
        subsampler = Subsampler(dataset: dataset, threshold: config.sample)
        itemPull = ItemPull(counts: dataset.views[0].counts, reference: config.alignmentItemFrequencyReference,
                            power: config.alignmentItemFrequencyPower)
        noise = dataset.views.map { NoiseSampler(counts: $0.counts, power: config.noisePower, uniform: config.noise == .uniform) }
    }

    /// The units of epoch `epoch` in the order that run processes them (Fisher–Yates by `(seed, epoch)`).
    public func shuffledUnits(seed: UInt64, epoch: Int) -> [UInt64] {
        var u = units
        var rng = Xoshiro256(seed: seed, stream: 3, UInt64(epoch))
        var i = u.count - 1
        while i > 0 {
            let j = Int(rng.next() % UInt64(i + 1))
            u.swapAt(i, j)
            i -= 1
        }
        return u
    }
}
