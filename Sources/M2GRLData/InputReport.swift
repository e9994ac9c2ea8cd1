/// Why a log line was rejected as malformed.
public enum MalformedReason: String, CaseIterable, Codable, Sendable {
    /// More or fewer tab-separated fields than the header has columns.
    case wrongColumnCount
    /// A timestamp that is neither epoch seconds nor ISO-8601.
    case badTimestamp
    /// A dwell or rating value that is not a number.
    case badNumber
    /// An empty user or item id.
    case emptyId
    /// Bytes that are not valid UTF-8.
    case invalidUTF8
    /// A blank line in the middle of a file.
    case emptyLine
}

/// What reading the input logs did: lines read, malformed lines by reason (with the first few
/// locations), events dropped by each cleaning rule, and what remained.
public struct InputReport: Codable, Sendable, Equatable {
    /// How many locations are kept per malformed reason.
    public static let keptLocations = 5

    /// Input files in reading order.
    public var files: [String] = []
    /// Bytes of the input files consumed (compressed bytes for gzip input).
    public var bytesRead: Int64 = 0
    /// Data lines read (headers excluded).
    public var linesRead = 0
    /// Malformed lines per reason (`MalformedReason` raw values).
    public var malformed: [String: Int] = [:]
    /// The first few malformed locations per reason, as `file:line`.
    public var malformedExamples: [String: [String]] = [:]
    /// Well-formed events dropped because dwell < the minimum dwell.
    public var droppedShortDwell = 0
    /// Well-formed events dropped because rating < the minimum rating.
    public var droppedLowRating = 0
    /// Events kept after cleaning.
    public var cleanedEvents = 0
    /// Distinct users and items among the cleaned events.
    public var users = 0
    public var items = 0
    /// Wall-clock and CPU (user + system) seconds spent reading.
    public var seconds = 0.0
    public var cpuSeconds = 0.0

    public init() {}

    /// Total malformed lines.
    public var malformedTotal: Int { malformed.values.reduce(0, +) }

    mutating func recordMalformed(_ reason: MalformedReason, file: String, line: Int) {
        malformed[reason.rawValue, default: 0] += 1
        if malformedExamples[reason.rawValue, default: []].count < Self.keptLocations {
            malformedExamples[reason.rawValue, default: []].append("\(file):\(line)")
        }
    }

    /// Counts a malformed line and, under `--on-error fail`, stops with the `malformedLine` error.
    mutating func reject(_ reason: MalformedReason, file: String, line: Int, policy: ErrorPolicy) throws(DataError) {
        recordMalformed(reason, file: file, line: line)
        if policy == .fail {
            throw DataError(.malformedLine, "\(file):\(line): malformed line (\(reason.rawValue)); use --on-error skip to skip such lines")
        }
    }

    /// A human-readable summary.
    public var summary: String {
        var lines: [String] = []
        let rate = seconds > 0 ? Double(linesRead) / seconds : 0
        lines.append("read \(linesRead) lines (\(bytesRead) bytes) from \(files.count) file(s) in \(NumberFormatting.fixed(seconds, 2)) s (\(Int(rate)) lines/s; CPU \(NumberFormatting.fixed(cpuSeconds, 2)) s, \(Int(Double(linesRead) / max(cpuSeconds, 1e-9))) lines/CPU-s)")
        if malformedTotal == 0 {
            lines.append("malformed lines: 0")
        } else {
            lines.append("malformed lines: \(malformedTotal)")
            for reason in MalformedReason.allCases {
                guard let n = malformed[reason.rawValue], n > 0 else { continue }
                let examples = malformedExamples[reason.rawValue, default: []].joined(separator: ", ")
                lines.append("  \(reason.rawValue): \(n) (first: \(examples))")
            }
        }
        lines.append("dropped: dwell below minimum \(droppedShortDwell), rating below minimum \(droppedLowRating)")
        lines.append("cleaned events: \(cleanedEvents) (\(users) users, \(items) items)")
        return lines.joined(separator: "\n")
    }
}
