import Foundation
import M2GRLCore

/// Everything `m2grl prepare` needs: inputs, rules, splits and where to write.
public struct PrepareOptions: Sendable {
    /// Where events come from.
    public enum Input: Sendable, Equatable {
        /// TSV logs (files, or directories whose `*.tsv` / `*.tsv.gz` files are read in name order).
        case logs([String])
        /// A RecBole MovieLens directory (`NAME.inter`, `.item`, `.link`, `.kg`).
        case movieLens(directory: String)
    }

    public var input: Input
    /// Output root: each split goes to `output/SPLIT`.
    public var output: URL
    public var splits: [DatasetSplit]
    public var read: LogReadOptions
    public var rules: SessionRules
    /// Called with a split's name once it is complete in the staging directory, before the next
    /// split is built (and before any split is moved into `output`).
    public var splitStaged: (@Sendable (String) -> Void)?

    /// Defaults per input kind: logs drop dwell < 2 s and use 1 h sessions; MovieLens drops
    /// ratings < 3 and uses 1-year sessions cut into chunks of ≤ 50. Splits default to valid + test.
    public init(input: Input, output: URL, splits: [DatasetSplit] = [.valid, .test]) {
        self.input = input
        self.output = output
        self.splits = splits
        switch input {
        case .logs:
            read = LogReadOptions(minDwell: 2, minRating: nil)
            rules = .behaviourLog
        case .movieLens:
            read = LogReadOptions(minDwell: nil, minRating: 3)
            rules = .movieLens
        }
    }
}

/// The full outcome of a `prepare` run (saved as `output/stats.json`).
public struct PrepareReport: Codable, Sendable {
    public var input: InputReport
    public var rules: SessionRules
    public var splits: [SplitStats]
    /// Wall-clock seconds of the whole run and cleaned events per second over it.
    public var seconds: Double
    public var eventsPerSecond: Double
    /// CPU (user + system) seconds of the whole run, of grouping events per user, and the rate.
    public var cpuSeconds: Double
    public var groupCPUSeconds: Double
    public var eventsPerCPUSecond: Double

    public var summary: String {
        ([input.summary] + splits.map(\.summary)
            + ["grouped events per user in CPU \(NumberFormatting.fixed(groupCPUSeconds, 2)) s",
               "total \(NumberFormatting.fixed(seconds, 2)) s, \(Int(eventsPerSecond)) events/s; CPU \(NumberFormatting.fixed(cpuSeconds, 2)) s, \(Int(eventsPerCPUSecond)) events/CPU-s"]).joined(separator: "\n")
    }
}

/// Runs the data pipeline: read → clean → split → sessions/views → dataset directories + stats.
public enum DatasetPreparer {
    public static func run(_ options: PrepareOptions) throws -> PrepareReport {
        let clock = ContinuousClock()
        let started = clock.now
        let startedCPU = ProcessCPUTime.seconds()
        guard !options.splits.isEmpty else { throw DataError(.invalidArgument, "no split requested") }
        let names = options.splits.map(\.name)
        guard Set(names).count == names.count else { throw DataError(.invalidArgument, "split requested twice: \(names)") }
        try checkSettings(options)
        try checkOutput(options.output)
        let log: EventLog
        var source: [String: String] = [:]
        switch options.input {
        case .logs(let paths):
            let files = try expand(paths)
            log = try EventLogReader.read(files: files, options: options.read)
            source["input"] = files.joined(separator: ",")
            source["kind"] = "tsv"
        case .movieLens(let directory):
            log = try MovieLensLoader.load(directory: directory, onError: options.read.onError, progress: options.read.progress)
            source["input"] = directory
            source["kind"] = "movielens"
        }
        guard log.report.cleanedEvents > 0 else {
            let r = log.report
            let reasons = r.malformed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            throw DataError(.emptyInput, "no events left to prepare: \(r.linesRead) lines read, \(r.malformedTotal) malformed"
                + (reasons.isEmpty ? "" : " (\(reasons); first: \(r.malformedExamples.values.flatMap { $0 }.sorted().prefix(3).joined(separator: ", ")))")
                + ", \(r.droppedShortDwell) below the minimum dwell, \(r.droppedLowRating) below the minimum rating; nothing was written")
        }
        options.read.progress?.note("grouping \(log.count) events by user")
        let groupStartedCPU = ProcessCPUTime.seconds()
        let builder = try DatasetBuilder(log: log, rules: options.rules, interruption: options.read.interruption)
        let groupCPUSeconds = ProcessCPUTime.seconds() - groupStartedCPU
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var stats: [SplitStats] = []
        do {
            try FileManager.default.createDirectory(at: options.output, withIntermediateDirectories: true)
        } catch {
            throw DataError(.writeFailed, "\(options.output.path): \(error.localizedDescription)")
        }
        // Every split is written into a staging directory first and moved into place only when all
        // are complete, so an interrupted or failed run leaves the previous splits (and their
        // stats.json) as they were, never a mix of old and new splits.
        let staging = try OutputStaging(output: options.output)
        defer { staging.discard() }
        for split in options.splits {
            try options.read.interruption.check()
            options.read.progress?.note("building split \(split.name)")
            let buildStarted = clock.now, buildStartedCPU = ProcessCPUTime.seconds()
            var (dataset, splitStats) = try builder.build(split: split, source: source)
            let writeStarted = clock.now, writeStartedCPU = ProcessCPUTime.seconds()
            let directory = staging.directory.appendingPathComponent(split.name)
            try options.read.interruption.check()
            options.read.progress?.note("writing \(options.output.appendingPathComponent(split.name).path)")
            try dataset.write(to: directory, interruption: options.read.interruption)
            splitStats.buildSeconds = (writeStarted - buildStarted).seconds
            splitStats.writeSeconds = (clock.now - writeStarted).seconds
            splitStats.buildCPUSeconds = writeStartedCPU - buildStartedCPU
            splitStats.writeCPUSeconds = ProcessCPUTime.seconds() - writeStartedCPU
            stats.append(splitStats)
            struct SplitFile: Encodable { var input: InputReport; var rules: SessionRules; var split: SplitStats }
            try write(encoder, SplitFile(input: log.report, rules: options.rules, split: splitStats),
                      to: directory.appendingPathComponent("stats.json"))
            options.splitStaged?(split.name)
        }
        try options.read.interruption.check()
        let seconds = (clock.now - started).seconds
        let cpuSeconds = ProcessCPUTime.seconds() - startedCPU
        let report = PrepareReport(input: log.report, rules: options.rules, splits: stats, seconds: seconds,
                                   eventsPerSecond: Double(log.report.linesRead) / max(seconds, 1e-9),
                                   cpuSeconds: cpuSeconds, groupCPUSeconds: groupCPUSeconds,
                                   eventsPerCPUSecond: Double(log.report.linesRead) / max(cpuSeconds, 1e-9))
        try write(encoder, report, to: staging.directory.appendingPathComponent("stats.json"))
        try staging.commit(options.splits.map(\.name) + ["stats.json"])
        return report
    }

    /// Refuses settings that would silently change nothing or everything (a NaN threshold drops
    /// no event; a negative gap splits every session).
    static func checkSettings(_ options: PrepareOptions) throws {
        for (name, value) in [("minimum dwell", options.read.minDwell), ("minimum rating", options.read.minRating)] {
            if let value, !value.isFinite { throw DataError(.invalidArgument, "\(name) must be a finite number, got \(value)") }
        }
        guard options.rules.idleGap >= 0 else { throw DataError(.invalidArgument, "idle gap must be ≥ 0 seconds, got \(options.rules.idleGap)") }
        guard options.rules.appSessionMergeGap >= 0 else {
            throw DataError(.invalidArgument, "app-session merge gap must be ≥ 0 seconds, got \(options.rules.appSessionMergeGap)")
        }
        if let n = options.rules.maxLength, n <= 0 { throw DataError(.invalidArgument, "maximum session length must be positive, got \(n)") }
    }

    /// Checks, before reading any input, that files can be written in `output` (or that it can be
    /// created; it is created only once there is a dataset to write): a long read must not end in
    /// "cannot create the output directory" or "not writable".
    static func checkOutput(_ output: URL) throws {
        if let problem = OutputPathCheck.prepare(output, create: false) { throw DataError(.writeFailed, problem) }
    }

    private static func write<T: Encodable>(_ encoder: JSONEncoder, _ value: T, to url: URL) throws {
        do { try encoder.encode(value).write(to: url, options: .atomic) } catch {
            throw DataError(.writeFailed, "\(url.path): \(error.localizedDescription)")
        }
    }

    /// Files as given; directories replaced by their `*.tsv`, `*.tsv.gz`, `*.log`, `*.gz` files in name order.
    static func expand(_ paths: [String]) throws -> [String] {
        guard !paths.isEmpty else { throw DataError(.invalidArgument, "no input given") }
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DataError(.fileNotFound, "\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let logs = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".tsv") || $0.hasSuffix(".tsv.gz") || $0.hasSuffix(".log") || $0.hasSuffix(".gz")) }.sorted()
                guard !logs.isEmpty else { throw DataError(.emptyInput, "\(path): directory holds no .tsv or .tsv.gz files") }
                files += logs.map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        return files
    }
}

/// Parses timestamps as the log reader does: epoch seconds or ISO-8601 (no zone = UTC).
public enum LogTimestamp {
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { FieldParsing.parseTimestamp(ByteField($0)) }
    }
}
