import M2GRLCore
import M2GRLData

/// word2vec's frequent-item subsampling for the intra-view tasks (`skipgram.sample`).
///
/// Each epoch, every token of a view's sequences is kept with probability
/// `min(1, (√(f/t) + 1)·t/f)` (word2vec's C formula), `f` = the node's share of the view's train
/// counts, `t` = the threshold; a dropped token is neither a centre nor a context that epoch.
/// Unlike word2vec, windows are not widened over dropped tokens (positions keep their distance).
/// The decision is a hash of `(seed, epoch, view, position)`, not a draw from a worker's generator,
/// so it does not depend on threads or shards, and a threshold of 0 changes no random stream.
public struct Subsampler: Sendable {
    /// Keep probability per node, per dataset view (empty when inactive).
    private let keep: [SharedBuffer<Float>]
    /// Whether any token can be dropped (threshold > 0).
    public let isActive: Bool

    public init(dataset: PreparedDataset, threshold: Double) {
        isActive = threshold > 0
        guard isActive else { keep = []; return }
        keep = dataset.views.map { view in
            let total = view.counts.dropFirst().reduce(Int64(0), +)
            return SharedBuffer(view.counts.map { Subsampler.keepProbability(count: $0, total: total, threshold: threshold) })
        }
    }

    /// `min(1, (√(f/t) + 1)·t/f)` with `f = count / total`; 1 for unseen nodes.
    public static func keepProbability(count: Int64, total: Int64, threshold: Double) -> Float {
        guard count > 0, total > 0, threshold > 0 else { return 1 }
        let f = Double(count) / Double(total)
        return Float(min(1, ((f / threshold).squareRoot() + 1) * threshold / f))
    }

    /// The per-epoch salt of the keep decisions.
    public static func salt(seed: UInt64, epoch: Int) -> UInt64 {
        var g = SplitMix64(seed: seed, stream: 0x5AB5_0000 &+ UInt64(epoch))
        return g.next()
    }

    /// Whether the token `token` at `position` of `view` is kept in the epoch of `salt`.
    @inline(__always)
    public func keeps(view: Int, position: Int, token: Int, salt: UInt64) -> Bool {
        let p = keep[view][token]
        if p >= 1 { return true }
        let z = SplitMix64.mix(salt ^ (UInt64(truncatingIfNeeded: view) << 48) ^ UInt64(truncatingIfNeeded: position))
        return Float(z >> 40) * (1 / 16_777_216) < p
    }
}
