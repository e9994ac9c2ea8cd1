import Foundation

/// The daily log files one rebuild reads: the newest `days` files named `YYYY-MM-DD.tsv[.gz]`.
///
/// The newest day is held out: `cutoff` is its first second (UTC), so events before it train and
/// the newest day's events evaluate (a `cutoff` split).
public struct LogWindow: Sendable, Equatable, Codable {
    /// One daily file.
    public struct Day: Sendable, Equatable, Codable {
        /// `YYYY-MM-DD`.
        public var date: String
        public var path: String
        /// First second of the day, epoch seconds (UTC).
        public var start: Int64
    }

    /// Days in the window, oldest first.
    public var days: [Day]

    public var newestDay: Day { days[days.count - 1] }
    /// Time split: events before this train, the rest is held out.
    public var cutoff: Int64 { newestDay.start }
    public var files: [String] { days.map(\.path) }

    /// Selects the newest `count` daily files of `directory` (at least two are needed).
    public static func select(directory: String, count: Int) throws(RebuildError) -> LogWindow {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RebuildError(.input, "input directory \(directory) does not exist")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var byDate: [String: Day] = [:]
        for name in names where !name.hasPrefix(".") {
            let stem: Substring
            if name.hasSuffix(".tsv.gz") { stem = name.dropLast(7) } else if name.hasSuffix(".tsv") { stem = name.dropLast(4) } else { continue }
            guard let start = dayStart(String(stem)) else { continue }
            if byDate[String(stem)] != nil {
                throw RebuildError(.input, "\(directory) holds two files for \(stem) (.tsv and .tsv.gz)")
            }
            byDate[String(stem)] = Day(date: String(stem), path: directory + "/" + name, start: start)
        }
        let sorted = byDate.values.sorted { $0.start < $1.start }
        guard sorted.count >= 2 else {
            throw RebuildError(.input, "\(directory) holds \(sorted.count) daily log file(s) named YYYY-MM-DD.tsv[.gz]; a rebuild needs at least 2 (the newest is held out)")
        }
        return LogWindow(days: Array(sorted.suffix(max(count, 2))))
    }

    /// Epoch seconds of `YYYY-MM-DD` 00:00 UTC, nil when not a valid date.
    public static func dayStart(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400
    }
}
