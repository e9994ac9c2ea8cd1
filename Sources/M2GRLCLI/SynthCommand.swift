import ArgumentParser
import Foundation
import M2GRLData

/// `m2grl synth`: a deterministic synthetic Taobao-like behaviour log.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic Taobao-like behaviour log (deterministic by seed, streamed).",
        discussion: """
        Columns: user, item, timestamp (epoch seconds), dwell (seconds), category, shop [, app_session]. \
        Sessions browse one category, mostly within one shop; item popularity is long-tailed, so many \
        items are rare while their category and shop recur. About 10% of events have dwell < 2 s. \
        Use --out FILE (or - for stdout) for one file, or --out-dir DIR for one file per day \
        (DIR/YYYY-MM-DD.tsv). See docs/DATA.md.
        """
    )

    @Option(name: .long, help: "Total events.") var events: Int = 100_000
    @Option(name: .long, help: "Days covered (one file per day with --out-dir).") var days: Int = 3
    @Option(name: .long, help: "First day (YYYY-MM-DD, UTC).") var start: String = "2026-11-01"
    @Option(name: .long, help: "Random seed.") var seed: UInt64 = 42
    @Option(name: .long, help: "Users (default events/40).") var users: Int?
    @Option(name: .long, help: "Items (default events/2, at most 2M).") var items: Int?
    @Option(name: .long, help: "Categories (default max(20, items/1000)).") var categories: Int?
    @Option(name: .long, help: "Shops (default max(categories, items/40)).") var shops: Int?
    @Option(name: .long, help: "Share of events with dwell < 2 s.") var shortDwellShare: Double = 0.1
    @Flag(name: .long, help: "Also write an app_session column.") var appSessions = false
    @Flag(name: .long, help: "Gzip the output.") var gzip = false
    @Option(name: .shortAndLong, help: "Output file (- = stdout).") var out: String?
    @Option(name: .long, help: "Output directory: one file per day.") var outDir: String?
    @Flag(name: .long, help: "No progress line.") var quiet = false

    func run() throws {
        Interruption.installHandler()
        guard (out == nil) != (outDir == nil) else { throw ValidationError("give exactly one of --out FILE or --out-dir DIR") }
        let config = try SynthConfig(events: events, users: users, items: items, categories: categories, shops: shops,
                                     days: days, firstDate: start, seed: seed, shortDwellShare: shortDwellShare,
                                     appSessions: appSessions)
        let generator = SyntheticLogGenerator(config: config)
        let progress = quiet || out == "-" ? nil : ProgressReporter(label: "synth")
        if let outDir {
            try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            let paths = try generator.writeDaily(directory: outDir, compress: gzip, progress: progress)
            FileHandle.standardError.write(Data("wrote \(config.events) events to \(paths.count) files in \(outDir)\n".utf8))
        } else if let out {
            try generator.write(to: out, compress: gzip, progress: progress)
            if out != "-" {
                FileHandle.standardError.write(Data("wrote \(config.events) events (\(config.users) users, \(config.items) items, \(config.categories) categories, \(config.shops) shops) to \(out)\n".utf8))
            }
        }
    }
}
