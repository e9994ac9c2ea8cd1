#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Run reports (`STATE/runs/RUN_ID.json`) and the history file (`STATE/history.jsonl`, one line per run).
public struct RunReportStore: Sendable {
    public let stateDirectory: URL

    public init(stateDirectory: URL) { self.stateDirectory = stateDirectory }

    public var runsDirectory: URL { stateDirectory.appendingPathComponent("runs") }
    public var historyFile: URL { stateDirectory.appendingPathComponent("history.jsonl") }

    /// The report file of `runID`.
    public func reportFile(_ runID: String) -> URL { runsDirectory.appendingPathComponent("\(runID).json") }

    /// Writes the full report atomically (temp file + rename).
    public func write(_ report: RunReport) throws(RebuildError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try FileManager.default.createDirectory(at: runsDirectory, withIntermediateDirectories: true)
            try encoder.encode(report).write(to: reportFile(report.runID), options: .atomic)
        } catch {
            throw RebuildError(.stepFailed, "cannot write run report: \(error.localizedDescription)")
        }
    }

    /// Appends the report's history line (one `write(2)` with O_APPEND, then fsync).
    public func appendHistory(_ report: RunReport) throws(RebuildError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var data = try? encoder.encode(report.historyLine) else {
            throw RebuildError(.stepFailed, "cannot encode history line")
        }
        data.append(UInt8(ascii: "\n"))
        let fd = open(historyFile.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RebuildError(.stepFailed, "cannot open \(historyFile.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw RebuildError(.stepFailed, "short write to \(historyFile.path)") }
        _ = fsync(fd)
    }

    /// The last `count` history lines, oldest first (unparseable lines, e.g. torn by a crash, are skipped).
    public func history(last count: Int) -> [RunReport.HistoryLine] {
        guard let text = try? String(contentsOf: historyFile, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        let lines = text.split(separator: "\n").compactMap { try? decoder.decode(RunReport.HistoryLine.self, from: Data($0.utf8)) }
        return Array(lines.suffix(max(count, 0)))
    }

    /// Reads one run's full report.
    public func read(_ runID: String) throws(RebuildError) -> RunReport {
        do { return try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: reportFile(runID))) } catch {
            throw RebuildError(.input, "no readable report for run \(runID): \(error.localizedDescription)")
        }
    }
}
