import Foundation

/// The load phases every target gets, whatever the client protocol: closed loop on one connection
/// at depth 1 (the latency comparison), closed loop on C connections at depth P (the peak), then
/// open loop at fractions of that peak and at absolute rates. Rows go into a `BenchReport`.
public struct LoadPlan: Sendable {
    public var connections: Int
    public var pipeline: Int
    public var seconds: Double
    /// Stop each closed-loop run after this many requests in all.
    public var requests: Int?
    /// Open-loop rates as fractions of the C-connection closed-loop QPS.
    public var openFractions: [Double]
    /// Absolute open-loop rates (requests/s).
    public var openRates: [Double]
    /// Seconds per open-loop point (default: `seconds`).
    public var openSeconds: Double?
    /// How open-loop runs drive their connections.
    public var openLoopDriver: OpenLoopDriver = .epoll
    /// In the one-connection phase the client polls for each reply this long (µs) before it
    /// sleeps (`BlockingSocket.busyPollNanoseconds`); 0 = plain blocking receives.
    public var singleBusyPollMicroseconds = 0

    public init(connections: Int, pipeline: Int, seconds: Double, requests: Int? = nil, openFractions: [Double] = [],
                openRates: [Double] = [], openSeconds: Double? = nil) {
        self.openSeconds = openSeconds
        self.connections = connections
        self.pipeline = pipeline
        self.seconds = seconds
        self.requests = requests
        self.openFractions = openFractions
        self.openRates = openRates
    }

    /// Runs the phases; `connect(n)` opens n fresh connections for each phase.
    @discardableResult
    public func run(workload: BenchWorkload, connect: (Int) throws(BenchError) -> [any LoadConnection], into report: inout BenchReport,
                    log: (String) -> Void) throws(BenchError) -> LoadResult {
        let single = try Self.withBusyPoll(microseconds: singleBusyPollMicroseconds) { () throws(BenchError) in
            try LoadDriver.closedLoop(try connect(1), workload: workload, pipeline: 1, seconds: min(seconds, 5), maxRequests: requests)
        }
        report.add(mode: "closed", clients: 1, pipeline: 1, result: single)
        log(Self.describe("closed 1×1" + (singleBusyPollMicroseconds > 0 ? " (client busy-polls \(singleBusyPollMicroseconds) µs)" : ""), single))
        let peak = try LoadDriver.closedLoop(try connect(connections), workload: workload, pipeline: pipeline, seconds: seconds,
                                             maxRequests: requests)
        report.add(mode: "closed", clients: connections, pipeline: pipeline, result: peak)
        log(Self.describe("closed \(connections)×\(pipeline)", peak))
        let rates = openFractions.map { $0 * peak.qps } + openRates
        for rate in rates where rate > 0 {
            let schedule = try OpenLoopSchedule(rate: rate, senders: connections)
            let result = try LoadDriver.openLoop(try connect(connections), workload: workload, schedule: schedule, seconds: openSeconds ?? seconds,
                                              driver: openLoopDriver)
            report.add(mode: "open", clients: connections, pipeline: 0, result: result, target: rate)
            log(Self.describe(String(format: "open %.0f/s", rate) + " [\(openLoopDriver.rawValue)]", result) + String(
                format: "\n  send lag p50 %.1f  p99 %.1f µs, client CPU %.2f s", Double(result.sendLag.percentile(0.5)) / 1e3,
                Double(result.sendLag.percentile(0.99)) / 1e3, result.clientCPUSeconds ?? 0))
        }
        return peak
    }

    /// Runs `body` with the client's receive busy-poll set to `microseconds`, then turns it off.
    public static func withBusyPoll<T>(microseconds: Int, _ body: () throws(BenchError) -> T) throws(BenchError) -> T {
        BlockingSocket.busyPollNanoseconds.store(UInt64(max(0, microseconds)) * 1_000, ordering: .relaxed)
        defer { BlockingSocket.busyPollNanoseconds.store(0, ordering: .relaxed) }
        return try body()
    }

    /// One summary line plus one line of percentiles per op.
    public static func describe(_ name: String, _ r: LoadResult) -> String {
        var lines = [String(format: "%-22@ %9.0f QPS  %d requests  %d errors", name as NSString, r.qps, r.completed, r.errors)]
        for (op, h) in zip(r.ops, r.latency) where h.count > 0 {
            lines.append(String(format: "  %-8@ p50 %8.1f  p90 %8.1f  p99 %8.1f  p999 %9.1f  max %9.1f µs", op.rawValue as NSString,
                                Double(h.percentile(0.5)) / 1e3, Double(h.percentile(0.9)) / 1e3, Double(h.percentile(0.99)) / 1e3,
                                Double(h.percentile(0.999)) / 1e3, Double(h.max) / 1e3))
        }
        return lines.joined(separator: "\n")
    }
}
