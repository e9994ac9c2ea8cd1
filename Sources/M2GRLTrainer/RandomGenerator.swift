import M2GRLCore
/// xoshiro256**: the trainer's fast, reproducible generator.
///
/// Streams are derived from `(seed, purpose…)` so that a run with one thread and a fixed seed is
/// bit-reproducible, also across a checkpoint and resume.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator seeded from `seed` through SplitMix64.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// A generator for one purpose of one run: `seed` mixed with the `stream` components.
    public init(seed: UInt64, stream: UInt64...) {
        var mixed = seed
        for part in stream {
            var sm = SplitMix64(seed: mixed ^ (part &* 0xD6E8_FEB8_6659_FD93))
            mixed = sm.next()
        }
        self.init(seed: mixed)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform integer in `0..<bound` (bound < 2^32), by multiply-shift.
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(truncatingIfNeeded: bound)) >> 32)
    }

    /// A uniform float in `[0, 1)` with 24 random bits.
    @inline(__always)
    public mutating func unitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }
}
