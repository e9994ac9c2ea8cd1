/// When each request of an open-loop run is due: a fixed total arrival rate spread evenly over
/// several senders. Sender `s` of `N` sends its request `j` at `(j·N + s) / rate` seconds after the
/// start, so the merged stream is evenly spaced at `1 / rate`. Latency is measured from this
/// intended time, not from the moment the request actually left (no coordinated omission).
public struct OpenLoopSchedule: Sendable, Equatable {
    /// Offered requests per second, all senders together.
    public let rate: Double
    /// Number of senders sharing the rate.
    public let senders: Int

    public init(rate: Double, senders: Int) throws(BenchError) {
        guard rate.isFinite, rate > 0 else { throw BenchError(.invalidArgument, "open-loop rate must be positive, got \(rate)") }
        guard senders >= 1 else { throw BenchError(.invalidArgument, "open-loop needs at least one sender, got \(senders)") }
        self.rate = rate
        self.senders = senders
    }

    /// Nanoseconds after the start at which request `index` of `sender` is due.
    public func offset(sender: Int, index: Int) -> UInt64 {
        UInt64((Double(index * senders + sender) / rate * 1e9).rounded())
    }

    /// How many requests `sender` sends in a run of `seconds` (those due strictly before the end).
    public func requestCount(sender: Int, seconds: Double) -> Int {
        let total = rate * seconds // global slots 0..<total
        let slots = Int(total.rounded(.up))
        guard slots > sender else { return 0 }
        return (slots - sender + senders - 1) / senders
    }
}
