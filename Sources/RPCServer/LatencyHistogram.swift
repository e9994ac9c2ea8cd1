/// A log-linear latency histogram in nanoseconds (HdrHistogram-style buckets, ~3% relative error),
/// fixed size, no allocation per record. Confined to the I/O loop thread.
struct LatencyHistogram {
    /// 16 linear sub-buckets per power of two, 64 powers.
    private static let subBits = 4
    private static let subCount = 1 << subBits
    private var buckets = [UInt64](repeating: 0, count: 64 * subCount)
    private(set) var count: UInt64 = 0
    private(set) var maximum: UInt64 = 0

    mutating func record(_ nanoseconds: UInt64) {
        buckets[Self.bucket(of: nanoseconds)] += 1
        count += 1
        maximum = max(maximum, nanoseconds)
    }

    /// The value at quantile `q` (0...1): the upper bound of the bucket holding it.
    func quantile(_ q: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((q * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, n) in buckets.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return min(Self.upperBound(of: index), maximum) }
        }
        return maximum
    }

    static func bucket(of value: UInt64) -> Int {
        if value < UInt64(subCount) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount // >= subBits
        let shift = magnitude - subBits
        let sub = Int((value >> UInt64(shift)) & UInt64(subCount - 1))
        return (shift + 1) * subCount + sub
    }

    static func upperBound(of index: Int) -> UInt64 {
        let group = index / subCount
        let sub = UInt64(index % subCount)
        if group == 0 { return sub }
        let shift = UInt64(group - 1)
        let (bound, overflow) = (UInt64(subCount) + sub + 1).multipliedReportingOverflow(by: 1 << shift)
        return overflow ? .max : bound - 1
    }
}
