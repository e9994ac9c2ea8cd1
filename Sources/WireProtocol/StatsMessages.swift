/// STATS request: an empty body.
public struct StatsRequest: WireMessage, Equatable {
    public static let messageType = MessageType.stats
    public init() {}
    public init(from reader: inout ByteReader) throws(WireProtocolError) {}
    public func encode(into writer: inout ByteWriter) {}
}

/// A latency distribution summary, in nanoseconds.
public struct LatencySummary: Equatable, Sendable {
    public var name: String
    public var count: UInt64
    public var p50: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64

    public init(name: String, count: UInt64, p50: UInt64, p99: UInt64, p999: UInt64, max: UInt64) {
        self.name = name
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }
}

/// STATS reply: named counters (requests per type, errors per code, connections, ...) and latency
/// summaries. Names are open-ended so a server can add counters without a protocol change.
public struct StatsReply: WireMessage, Equatable {
    public static let messageType = MessageType.stats.reply
    public var snapshotVersion: String
    public var uptimeMillis: UInt64
    public var counters: [(name: String, value: UInt64)]
    public var latencies: [LatencySummary]

    public init(snapshotVersion: String, uptimeMillis: UInt64, counters: [(name: String, value: UInt64)],
                latencies: [LatencySummary]) {
        self.snapshotVersion = snapshotVersion
        self.uptimeMillis = uptimeMillis
        self.counters = counters
        self.latencies = latencies
    }

    /// The value of a named counter (0 if absent).
    public func counter(_ name: String) -> UInt64 {
        counters.first { $0.name == name }?.value ?? 0
    }

    public static func == (lhs: StatsReply, rhs: StatsReply) -> Bool {
        lhs.snapshotVersion == rhs.snapshotVersion && lhs.uptimeMillis == rhs.uptimeMillis
            && lhs.counters.map(\.name) == rhs.counters.map(\.name)
            && lhs.counters.map(\.value) == rhs.counters.map(\.value) && lhs.latencies == rhs.latencies
    }

    public init(from reader: inout ByteReader) throws(WireProtocolError) {
        snapshotVersion = try reader.readString()
        uptimeMillis = try reader.readU64()
        let counterCount = Int(try reader.readU16())
        var counters: [(name: String, value: UInt64)] = []
        for _ in 0..<counterCount { counters.append((try reader.readString(), try reader.readU64())) }
        self.counters = counters
        let latencyCount = Int(try reader.readU16())
        var latencies: [LatencySummary] = []
        for _ in 0..<latencyCount {
            latencies.append(LatencySummary(name: try reader.readString(), count: try reader.readU64(),
                                            p50: try reader.readU64(), p99: try reader.readU64(),
                                            p999: try reader.readU64(), max: try reader.readU64()))
        }
        self.latencies = latencies
    }

    public func encode(into writer: inout ByteWriter) {
        writer.write(snapshotVersion)
        writer.write(uptimeMillis)
        writer.write(UInt16(min(counters.count, Int(UInt16.max))))
        for counter in counters.prefix(Int(UInt16.max)) {
            writer.write(counter.name)
            writer.write(counter.value)
        }
        writer.write(UInt16(min(latencies.count, Int(UInt16.max))))
        for latency in latencies.prefix(Int(UInt16.max)) {
            writer.write(latency.name)
            writer.write(latency.count)
            writer.write(latency.p50)
            writer.write(latency.p99)
            writer.write(latency.p999)
            writer.write(latency.max)
        }
    }
}
