import Foundation
import Logging
import M2GRLData
import RPCClient
import RPCServer
import Snapshot
import Synchronization
import WireProtocol
@testable import M2GRLRebuild

/// A temporary rebuild installation: synthetic daily logs, an input directory fed one day at a
/// time, a snapshot root, a state directory and a configuration (tiny model, Flat indexes).
struct RebuildFixture {
    let root: URL
    /// All generated days (`YYYY-MM-DD.tsv`), oldest first; copied into `input` by `addDay`.
    let generated: [URL]
    var configuration: RebuildConfiguration
    static let adminToken = "rebuild-secret"

    init(days: Int = 5, eventsPerDay: Int = 1200, seed: UInt64 = 7) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-rebuild-\(UUID().uuidString)")
        let source = root.appendingPathComponent("generated")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("logs"), withIntermediateDirectories: true)
        // A fixed catalog, so day N is the same file whatever `days` is (fixtures share a template).
        let synth = try SynthConfig(events: days * eventsPerDay, users: eventsPerDay / 8, items: eventsPerDay,
                                    categories: 20, shops: 40, days: days, firstDate: "2026-11-01", seed: seed)
        generated = try SyntheticLogGenerator(config: synth).writeDaily(directory: source.path).map { URL(fileURLWithPath: $0) }
        var c = RebuildConfiguration()
        c.inputDirectory = root.appendingPathComponent("logs").path
        c.snapshotRoot = root.appendingPathComponent("snapshots").path
        c.stateDirectory = root.appendingPathComponent("state").path
        c.windowDays = 3
        c.trainOverrides = ["model.dimension=16", "training.epochs=1", "training.threads=2", "optimizer.kind=sgd",
                            "optimizer.learning_rate=0.025", "skipgram.window=2", "skipgram.negatives=3", "alignment.negatives=2"]
        c.keepVersions = 3
        c.maxRecallDrop = 0.5
        c.maxCountShrink = 0.5
        c.adminToken = Self.adminToken
        configuration = c
    }

    /// A fixture whose first two days are already rebuilt and published (copied from a template
    /// built once per test process, to keep the suite fast). Returns the fixture and the live version.
    static func published(days: Int = 3) throws -> (RebuildFixture, String) {
        let template = try Template.shared()
        let f = try RebuildFixture(days: days)
        try f.addDay(0)
        try f.addDay(1)
        for dir in ["snapshots", "state"] {
            try FileManager.default.copyItem(at: template.fixture.root.appendingPathComponent(dir), to: f.root.appendingPathComponent(dir))
        }
        return (f, template.version)
    }

    /// The once-built first publish (days 0 and 1 with the default seed).
    final class Template: Sendable {
        let fixture: RebuildFixture
        let version: String
        private static let instance = Mutex<Template?>(nil)

        private init(fixture: RebuildFixture, version: String) {
            self.fixture = fixture
            self.version = version
        }

        static func shared() throws -> Template {
            try instance.withLock { t in
                if let t { return t }
                let f = try RebuildFixture(days: 2)
                try f.addDay(0)
                try f.addDay(1)
                let report = try f.runner().run()
                guard let v = report.publishedVersion else { throw RebuildError(.stepFailed, "template run: \(report.reason ?? "")") }
                let made = Template(fixture: f, version: v)
                t = made
                return made
            }
        }
    }

    var paths: RebuildPaths { RebuildPaths(configuration: configuration) }
    var store: SnapshotStore { SnapshotStore(root: paths.snapshots) }

    /// Copies generated day `index` into the input directory; `keep` < 1 drops that share of its events.
    func addDay(_ index: Int, keep: Double = 1) throws {
        let src = generated[index]
        let dst = URL(fileURLWithPath: configuration.inputDirectory).appendingPathComponent(src.lastPathComponent)
        if keep >= 1 {
            try FileManager.default.copyItem(at: src, to: dst)
            return
        }
        let lines = try String(contentsOf: src, encoding: .utf8).split(separator: "\n")
        var kept = [lines[0]]
        for (i, line) in lines.dropFirst().enumerated() where Double(i % 100) < keep * 100 { kept.append(line) }
        try (kept.joined(separator: "\n") + "\n").write(to: dst, atomically: true, encoding: .utf8)
    }

    func runner(force: Bool = false) -> RebuildRunner {
        var options = RebuildOptions()
        options.force = force
        return RebuildRunner(configuration: configuration, options: options)
    }

    /// Writes the configuration as TOML (for the child-process test).
    func writeConfigurationFile() throws -> URL {
        let c = configuration
        let quoted = { (s: String) in "\"\(s)\"" }
        let text = """
            [paths]
            input = \(quoted(c.inputDirectory))
            snapshots = \(quoted(c.snapshotRoot))
            state = \(quoted(c.stateDirectory))
            [window]
            days = \(c.windowDays)
            [train]
            set = [\(c.trainOverrides.map(quoted).joined(separator: ", "))]
            [export]
            keep = \(c.keepVersions)
            [gate]
            max_recall_drop = \(c.maxRecallDrop)
            max_count_shrink = \(c.maxCountShrink)
            [servers]
            addresses = [\(c.servers.map(quoted).joined(separator: ", "))]
            admin_token = \(quoted(c.adminToken))
            """
        let url = root.appendingPathComponent("rebuild.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Starts an in-process server on the snapshot root (ephemeral port, admin token set) and
    /// adds it to the configuration's servers.
    mutating func startServer() throws -> RPCServer {
        var sc = ServerConfiguration()
        sc.port = 0
        sc.workerThreads = 2
        sc.adminToken = Self.adminToken
        sc.snapshotPath = paths.snapshots.path
        var logger = Logger(label: "m2grl.rebuild.test")
        logger.logLevel = .error
        let server = RPCServer(configuration: sc, snapshot: try store.loadCurrent(),
                               loader: SnapshotDirectoryLoader.loader(configuredPath: paths.snapshots.path), logger: logger)
        try server.start()
        configuration.servers = ["127.0.0.1:\(server.port)"]
        return server
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Queries a server continuously on a background thread (vector queries, valid for any snapshot)
/// and counts successes and failures.
final class ContinuousQuerier: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    let successes = Atomic<Int>(0)
    let failures = Mutex<[String]>([])
    let versionsSeen = Mutex<Set<String>>([])

    init(port: Int, dimension: Int) {
        Thread.detachNewThread { [self] in
            var client: RPCClient?
            var n: Float = 0
            while !stopFlag.load(ordering: .relaxed) {
                do {
                    if client == nil { client = try RPCClient(port: port) }
                    n += 1
                    let vector = (0..<dimension).map { i in sin(Float(i) + n) }
                    let reply = try client!.topK(TopKRequest(view: "item", k: 10, queries: .vectors(dimension: dimension, values: vector)))
                    guard reply.results.count == 1, !reply.results[0].ids.isEmpty else {
                        throw RebuildError(.stepFailed, "empty TOPK reply")
                    }
                    successes.add(1, ordering: .relaxed)
                    if successes.load(ordering: .relaxed) % 50 == 0 {
                        let v = try client!.info().snapshotVersion
                        versionsSeen.withLock { _ = $0.insert(v) }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                    usleep(10_000)
                }
            }
            finished.store(true, ordering: .relaxed)
        }
    }

    func stop() {
        stopFlag.store(true, ordering: .relaxed)
        for _ in 0..<500 where !finished.load(ordering: .relaxed) { usleep(10_000) }
    }
}
