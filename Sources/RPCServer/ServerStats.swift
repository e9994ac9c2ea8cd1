import WireProtocol

/// Counters and latency histograms of one server. Confined to the I/O loop thread, which records
/// every request and reply, so no locking is needed.
struct ServerStats {
    private var requests = [UInt64](repeating: 0, count: 256)
    private var errors: [ErrorCode: UInt64] = [:]
    /// Per request type (the type byte without the reply bit); created on first use.
    private var latencies = [LatencyHistogram?](repeating: nil, count: 128)
    var connectionsAccepted: UInt64 = 0
    var connectionsRejected: UInt64 = 0
    var connectionsOpen: UInt64 = 0
    var queries: UInt64 = 0
    /// TOPK requests answered on the I/O loop (run-to-completion) rather than by a worker.
    var topKInline: UInt64 = 0
    var reloadsOK: UInt64 = 0
    var reloadsFailed: UInt64 = 0
    var bytesRead: UInt64 = 0
    var bytesWritten: UInt64 = 0

    mutating func countRequest(_ type: MessageType) { requests[Int(type.rawValue)] += 1 }
    mutating func countError(_ code: ErrorCode) { errors[code, default: 0] += 1 }

    mutating func recordLatency(_ type: MessageType, nanoseconds: UInt64) {
        let index = Int(type.rawValue & 0x7F)
        if latencies[index] == nil { latencies[index] = LatencyHistogram() }
        latencies[index]!.record(nanoseconds)
    }

    func errorCount(_ code: ErrorCode) -> UInt64 { errors[code] ?? 0 }

    /// The STATS reply body.
    func reply(snapshotVersion: String, uptimeMillis: UInt64) -> StatsReply {
        var counters: [(name: String, value: UInt64)] = []
        for type in MessageType.version1Requests {
            counters.append(("requests.\(type.name)", requests[Int(type.rawValue)]))
        }
        let unknown = requests.enumerated().filter { index, _ in
            !MessageType.version1Requests.contains(MessageType(rawValue: UInt8(index)))
        }.reduce(0) { $0 + $1.element }
        counters.append(("requests.other", unknown))
        for code in ErrorCode.allVersion1 { counters.append(("errors.\(code.name)", errors[code] ?? 0)) }
        counters += [
            ("connections.open", connectionsOpen), ("connections.accepted", connectionsAccepted),
            ("connections.rejected", connectionsRejected), ("queries.total", queries), ("topk.inline", topKInline),
            ("reloads.ok", reloadsOK), ("reloads.failed", reloadsFailed),
            ("bytes.read", bytesRead), ("bytes.written", bytesWritten),
        ]
        let summaries = latencies.indices.compactMap { raw -> LatencySummary? in
            guard let h = latencies[raw] else { return nil }
            return LatencySummary(name: "latency.\(MessageType(rawValue: UInt8(raw)).name)", count: h.count,
                                  p50: h.quantile(0.5), p99: h.quantile(0.99), p999: h.quantile(0.999), max: h.maximum)
        }
        return StatsReply(snapshotVersion: snapshotVersion, uptimeMillis: uptimeMillis, counters: counters, latencies: summaries)
    }
}
