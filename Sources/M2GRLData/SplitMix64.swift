import Foundation
import M2GRLCore

/// Sampling helpers for the synthetic log generator.
extension SplitMix64 {
    /// Uniform in `0..<n` (n > 0).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: n).multipliedFullWidth(by: next())).high)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A rank in `0..<n` skewed towards 0: `⌊n·u^power⌋` (power > 1 = long tail).
    @inline(__always)
    mutating func skewed(_ n: Int, power: Double) -> Int {
        min(n - 1, Int(Double(n) * pow(unit(), power)))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
