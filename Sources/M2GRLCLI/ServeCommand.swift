import ArgumentParser
import Foundation
import Logging
import RPCServer

/// `m2grl serve`: serve a snapshot's views over the binary RPC protocol (docs/PROTOCOL.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve top-K queries from a snapshot over the M2GRL binary protocol.",
        discussion: """
            Settings come from Config/server.toml (or --config), then M2GRL_SERVER_<KEY> environment
            variables (e.g. M2GRL_SERVER_PORT, M2GRL_SERVER_ADMIN_TOKEN), then these flags.
            SIGHUP reloads the configured snapshot path; SIGTERM/SIGINT drain and exit 0.
            """
    )

    @Option(help: "Configuration file (default Config/server.toml when it exists).") var config: String?
    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "TCP port (0 = ephemeral).") var port: Int?
    @Option(name: [.customLong("snapshot"), .customLong("snapshots")], help: "Snapshot root (with a `current` symlink) or snapshot directory.") var snapshot: String?
    @Option(help: "Search threads (0 = one per core).") var workers: Int?
    @Option(help: "Maximum simultaneous connections.") var maxConnections: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func run() throws {
        var configuration = ServerConfiguration()
        let file = config ?? "Config/server.toml"
        if config != nil || FileManager.default.fileExists(atPath: file) {
            try configuration.apply(fileAt: URL(fileURLWithPath: file))
        }
        try configuration.apply(environment: ProcessInfo.processInfo.environment)
        if let host { configuration.host = host }
        if let port { try configuration.set("port", String(port)) }
        if let snapshot { configuration.snapshotPath = snapshot }
        if let workers { try configuration.set("worker_threads", String(workers)) }
        if let maxConnections { try configuration.set("max_connections", String(maxConnections)) }
        configuration.handleSignals = true

        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level '\(logLevel)'") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "m2grl.server")
        let loader = SnapshotDirectoryLoader.loader(configuredPath: configuration.snapshotPath)
        let initial = try loader(.current)
        let server = RPCServer(configuration: configuration, snapshot: initial, loader: loader, logger: logger)
        try server.start()
        FileHandle.standardError.write(Data("m2grl serve: listening on \(configuration.host):\(server.port), snapshot \(initial.version)\n".utf8))
        server.wait()
    }
}
