/// A log-linear latency histogram in the spirit of HdrHistogram: values (nanoseconds) below
/// 2^`significantBits` are counted exactly, larger ones in buckets whose width is 2^-(bits-1) of
/// their value, so every reported percentile is within 1 / 2^(bits-1) (0.8 % for 8 bits) of the
/// recorded value. Recording is O(1) and allocation-free; histograms of several threads merge.
public struct LogLinearHistogram: Sendable, Equatable {
    /// Bits of linear resolution (sub-buckets per power of two = 2^(bits-1)).
    public let significantBits: Int
    private var counts: [UInt64]
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    /// Smallest and largest recorded values (exact).
    public private(set) var min: UInt64 = .max
    public private(set) var max: UInt64 = 0
    private var sum: Double = 0

    public init(significantBits: Int = 8) {
        precondition((2...16).contains(significantBits), "significantBits must be in 2...16")
        self.significantBits = significantBits
        counts = [UInt64](repeating: 0, count: (1 << significantBits) + (64 - significantBits) * (1 << (significantBits - 1)))
    }

    /// The bucket of `value`.
    func bucket(of value: UInt64) -> Int {
        let s = significantBits
        if value < (1 << s) { return Int(value) }
        let highest = 63 - value.leadingZeroBitCount
        let shift = highest - (s - 1)
        let mantissa = Int(value >> UInt64(shift)) - (1 << (s - 1))
        return (1 << s) + (shift - 1) * (1 << (s - 1)) + mantissa
    }

    /// The largest value that falls into bucket `index`.
    func highestValue(inBucket index: Int) -> UInt64 {
        let s = significantBits
        if index < (1 << s) { return UInt64(index) }
        let shift = (index - (1 << s)) / (1 << (s - 1)) + 1
        let mantissa = UInt64((index - (1 << s)) % (1 << (s - 1)) + (1 << (s - 1)))
        return ((mantissa + 1) << UInt64(shift)) - 1
    }

    /// Records one value.
    public mutating func record(_ value: UInt64) {
        counts[bucket(of: value)] += 1
        count += 1
        sum += Double(value)
        if value < min { min = value }
        if value > max { max = value }
    }

    /// Adds every value recorded in `other` (same resolution).
    public mutating func merge(_ other: LogLinearHistogram) {
        precondition(other.significantBits == significantBits, "histograms of different resolution")
        for i in counts.indices where other.counts[i] != 0 { counts[i] += other.counts[i] }
        count += other.count
        sum += other.sum
        if other.count > 0 {
            min = Swift.min(min, other.min)
            max = Swift.max(max, other.max)
        }
    }

    /// Arithmetic mean of the recorded values (exact), 0 when empty.
    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// Nearest-rank percentile (`q` in 0...1): the highest value of the bucket holding the
    /// ceil(q·count)-th smallest value, clamped to the recorded min and max. 0 when empty.
    public func percentile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((q * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() where c != 0 {
            seen += c
            if seen >= rank { return Swift.min(Swift.max(highestValue(inBucket: i), min), max) }
        }
        return max
    }
}
