import ArgumentParser
import Foundation
import M2GRLData

/// `m2grl prepare`: behaviour logs (or MovieLens) → per-split dataset directories + stats.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Turn behaviour logs into multi-view sessions and graphs (one dataset directory per split).",
        discussion: """
        TSV logs: a header naming user, item, timestamp (epoch seconds or ISO-8601), optional dwell, \
        rating, app_session, and any attribute columns (each becomes a view). Gzip input is detected. \
        Directories are expanded to their *.tsv / *.tsv.gz files in name order. See docs/DATA.md.
        Writes OUT/SPLIT/ (manifest.json + binary arrays + stats.json) per split and OUT/stats.json.
        Interrupting is safe (exit 130): the splits are written under a staging directory and moved into place only when all are complete.
        """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "TSV log files or directories (read in the order given).")
    var input: [String] = []

    @Option(name: .long, help: "A RecBole MovieLens directory (NAME.inter/.item/.link/.kg) instead of --input.")
    var movielens: String?

    @Option(name: .shortAndLong, help: "Output directory (one subdirectory per split).")
    var out: String

    @Option(name: .long, help: "Split to write: test, valid, cutoff, all (repeatable; default valid and test, or cutoff when --cutoff is given).")
    var split: [String] = []

    @Option(name: .long, help: "Time split: events before this timestamp (epoch seconds or ISO-8601) train, the rest is held out.")
    var cutoff: String?

    @Option(name: .long, help: "Malformed lines: skip (count and report) or fail.")
    var onError: String = "skip"

    @Option(name: .long, help: "Drop events with dwell below this many seconds (logs default 2; MovieLens none).")
    var minDwell: Double?

    @Option(name: .long, help: "Drop events with rating below this (MovieLens default 3; logs none).")
    var minRating: Double?

    @Option(name: .long, help: "Idle gap in seconds that starts a new session (logs 3600; MovieLens 1 year).")
    var idleGap: Int64?

    @Option(name: .long, help: "App-session merge gap in seconds (default 1800; only with an app_session column).")
    var mergeGap: Int64?

    @Option(name: .long, help: "Cut sessions into chunks of at most this many events (MovieLens 50; logs none).")
    var maxSessionLength: Int?

    @Flag(name: .long, help: "No progress line.")
    var quiet = false

    func run() throws {
        Interruption.installHandler()
        guard (movielens == nil) != input.isEmpty else {
            throw ValidationError("give either --input FILE... or --movielens DIR")
        }
        guard let policy = ErrorPolicy(rawValue: onError) else { throw ValidationError("--on-error must be skip or fail") }
        var cutoffTime: Int64?
        if let cutoff {
            guard let t = LogTimestamp.parse(cutoff) else { throw ValidationError("--cutoff '\(cutoff)' is neither epoch seconds nor ISO-8601") }
            cutoffTime = t
        }
        let splitNames = split.isEmpty ? (cutoffTime != nil ? ["cutoff"] : ["valid", "test"]) : split
        let splits = try splitNames.map { try DatasetSplit(name: $0, cutoff: cutoffTime) }
        let source: PrepareOptions.Input = movielens.map { .movieLens(directory: $0) } ?? .logs(input)
        var options = PrepareOptions(input: source, output: URL(fileURLWithPath: out), splits: splits)
        options.read.onError = policy
        if let minDwell { options.read.minDwell = minDwell }
        if let minRating { options.read.minRating = minRating }
        if let idleGap { options.rules.idleGap = idleGap }
        if let mergeGap { options.rules.appSessionMergeGap = mergeGap }
        if let maxSessionLength {
            guard maxSessionLength > 0 else { throw ValidationError("--max-session-length must be positive") }
            options.rules.maxLength = maxSessionLength
        }
        if !quiet { options.read.progress = ProgressReporter(label: "prepare") }
        let report: PrepareReport
        do { report = try DatasetPreparer.run(options) } catch let error as DataError where error.code == .interrupted {
            FileHandle.standardError.write(Data("m2grl prepare: interrupted; \(out) was left as it was before this run\n".utf8))
            throw ExitCode(130)
        }
        print(report.summary)
        print("wrote \(splits.map { "\(out)/\($0.name)" }.joined(separator: ", ")) and \(out)/stats.json")
    }
}
