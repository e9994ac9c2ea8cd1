import M2GRLCore

/// The diversity model's seeded generator: M2GRLCore's SplitMix64 (with `nextGaussian()`).
public typealias SeededGenerator = SplitMix64
