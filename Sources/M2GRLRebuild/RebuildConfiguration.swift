import Foundation
import M2GRLCore
import M2GRLTrainer
import Snapshot

/// Settings of `m2grl-rebuild` (Config/rebuild.toml). Relative paths are taken from the working directory.
public struct RebuildConfiguration: Sendable, Equatable {
    /// Directory of daily logs named `YYYY-MM-DD.tsv` (or `.tsv.gz`).
    public var inputDirectory = "logs"
    /// Snapshot root the servers load (`current` symlink).
    public var snapshotRoot = "snapshots"
    /// The tool's own directory: lock, work directories, kept model bundles, run reports, history.
    public var stateDirectory = "rebuild-state"
    /// Days of logs in the window (the newest is held out for evaluation).
    public var windowDays = 7
    /// Training configuration file (nil = trainer defaults) and `key=value` overrides applied after it.
    public var trainConfigPath: String?
    public var trainOverrides: [String] = []
    /// Export configuration file (nil = defaults) and how many snapshot versions to keep.
    public var exportConfigPath: String?
    public var keepVersions = 5
    /// Refuse when Recall@K is more than this fraction below the live model's on the same held-out day.
    public var maxRecallDrop = 0.10
    /// Refuse when window events, newest-day events or items fall more than this fraction below the live snapshot's.
    public var maxCountShrink = 0.5
    /// K of the gate's Recall@K.
    public var gateK = 50
    /// Servers told to RELOAD after publishing and rolling back, as `host:port`.
    public var servers: [String] = []
    /// RELOAD admin token (the environment variable `M2GRL_REBUILD_ADMIN_TOKEN` overrides it).
    public var adminToken = ""
    /// Seconds to wait for each server's RELOAD reply.
    public var reloadTimeoutSeconds = 120.0
    /// Daemon schedule: local time of day, `HH:MM`.
    public var dailyAt = "03:00"
    /// History lines `status` prints.
    public var statusRuns = 10

    public init() {}

    /// Environment variable overriding `servers.admin_token`.
    public static let adminTokenEnvironmentKey = "M2GRL_REBUILD_ADMIN_TOKEN"

    /// Parses the TOML text of a rebuild configuration; unknown keys are refused.
    public static func parse(_ text: String, source: String = "rebuild.toml") throws(RebuildError) -> RebuildConfiguration {
        let doc: TOMLDocument
        do { doc = try TOMLDocument(parsing: text, source: source) } catch {
            throw RebuildError(.configuration, "\(error)")
        }
        var c = RebuildConfiguration()
        let known: Set<String> = [
            "paths.input", "paths.snapshots", "paths.state", "window.days", "train.config", "train.set",
            "export.config", "export.keep", "gate.max_recall_drop", "gate.max_count_shrink", "gate.k",
            "servers.addresses", "servers.admin_token", "servers.reload_timeout_seconds", "schedule.daily_at",
            "status.runs",
        ]
        if let unknown = doc.values.keys.sorted().first(where: { !known.contains($0) }) {
            throw RebuildError(.configuration, "\(source): unknown key '\(unknown)'")
        }
        do {
            if let v = try doc.string("paths.input") { c.inputDirectory = v }
            if let v = try doc.string("paths.snapshots") { c.snapshotRoot = v }
            if let v = try doc.string("paths.state") { c.stateDirectory = v }
            if let v = try doc.integer("window.days") { c.windowDays = v }
            if let v = try doc.string("train.config") { c.trainConfigPath = v.isEmpty ? nil : v }
            if let v = try doc.strings("train.set") { c.trainOverrides = v }
            if let v = try doc.string("export.config") { c.exportConfigPath = v.isEmpty ? nil : v }
            if let v = try doc.integer("export.keep") { c.keepVersions = v }
            if let v = try doc.double("gate.max_recall_drop") { c.maxRecallDrop = v }
            if let v = try doc.double("gate.max_count_shrink") { c.maxCountShrink = v }
            if let v = try doc.integer("gate.k") { c.gateK = v }
            if let v = try doc.strings("servers.addresses") { c.servers = v }
            if let v = try doc.string("servers.admin_token") { c.adminToken = v }
            if let v = try doc.double("servers.reload_timeout_seconds") { c.reloadTimeoutSeconds = v }
            if let v = try doc.string("schedule.daily_at") { c.dailyAt = v }
            if let v = try doc.integer("status.runs") { c.statusRuns = v }
        } catch let e as RebuildError {
            throw e
        } catch {
            throw RebuildError(.configuration, "\(source): \(error)")
        }
        try c.validate()
        return c
    }

    /// Reads and parses a configuration file.
    public static func load(from path: String) throws(RebuildError) -> RebuildConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RebuildError(.configuration, "cannot read configuration \(path)")
        }
        return try parse(text, source: path)
    }

    /// Checks ranges and formats.
    public func validate() throws(RebuildError) {
        func bad(_ m: String) -> RebuildError { RebuildError(.configuration, m) }
        guard windowDays >= 2 else { throw bad("window.days must be at least 2 (the newest day is held out), got \(windowDays)") }
        guard keepVersions >= 1 else { throw bad("export.keep must be at least 1, got \(keepVersions)") }
        guard (0...1).contains(maxRecallDrop) else { throw bad("gate.max_recall_drop must be in 0...1, got \(maxRecallDrop)") }
        guard (0...1).contains(maxCountShrink) else { throw bad("gate.max_count_shrink must be in 0...1, got \(maxCountShrink)") }
        guard gateK > 0 else { throw bad("gate.k must be positive") }
        guard reloadTimeoutSeconds > 0 else { throw bad("servers.reload_timeout_seconds must be positive") }
        for s in servers { _ = try ServerAddress(parsing: s) }
        _ = try DailySchedule(parsing: dailyAt)
        for o in trainOverrides where !o.contains("=") { throw bad("train.set expects key=value, got '\(o)'") }
    }

    /// The admin token: the environment's when set, else the configured one.
    public func resolvedAdminToken(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment[Self.adminTokenEnvironmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? adminToken
    }

    /// The training configuration: file (if any), overrides; model selection off (the held-out day is the gate's).
    public func trainingConfiguration() throws(RebuildError) -> TrainingConfiguration {
        var cfg = TrainingConfiguration()
        do {
            if let path = trainConfigPath {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw RebuildError(.configuration, "cannot read training configuration \(path)")
                }
                cfg = try TrainingConfiguration.parse(toml: text, source: path)
            }
            for o in trainOverrides {
                let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
                try cfg.set(kv[0], kv.count > 1 ? kv[1] : "")
            }
            cfg.selectBest = false
            cfg.evaluationK = gateK
            try cfg.validate()
        } catch let e as RebuildError {
            throw e
        } catch {
            throw RebuildError(.configuration, "training configuration: \(error)")
        }
        return cfg
    }

    /// The export configuration (file or defaults).
    public func exportConfiguration() throws(RebuildError) -> ExportConfiguration {
        guard let path = exportConfigPath else { return ExportConfiguration() }
        do { return try ExportConfiguration.load(from: URL(fileURLWithPath: path)) } catch {
            throw RebuildError(.configuration, "export configuration: \(error)")
        }
    }

    /// The parsed server addresses.
    public func serverAddresses() throws(RebuildError) -> [ServerAddress] {
        var out: [ServerAddress] = []
        for s in servers { out.append(try ServerAddress(parsing: s)) }
        return out
    }
}

/// A `host:port` server address.
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` (the last colon separates the port).
    public init(parsing text: String) throws(RebuildError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port), colon != text.startIndex else {
            throw RebuildError(.configuration, "server address '\(text)' is not host:port")
        }
        host = String(text[..<colon])
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}
