import Foundation
import M2GRLCore
import WireProtocol

/// Everything `m2grl serve` can be told: address, snapshot, limits and timeouts.
///
/// Sources, weakest first: the defaults here, a TOML file (`Config/server.toml`, table `[server]`),
/// environment variables `M2GRL_SERVER_<KEY>` (e.g. `M2GRL_SERVER_PORT=7701`), then command-line
/// flags (applied by the CLI).
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to bind; loopback unless told otherwise.
    public var host = "127.0.0.1"
    /// TCP port; 0 picks an ephemeral port (read it back from `RPCServer.port`).
    public var port = 7700
    /// The snapshot root (with a `current` symlink) or a snapshot directory, served at start and
    /// re-resolved by a reload of `current`.
    public var snapshotPath = "snapshots"
    /// Search threads; 0 means one per core.
    public var workerThreads = 0
    /// Largest accepted frame body in bytes (checked before allocating).
    public var maxFrameBytes = 4 << 20
    /// Largest k of a TOPK request.
    public var maxK = 1000
    /// Most queries in one TOPK request.
    public var maxBatch = 1024
    /// Most queued TOPK requests a worker answers with one Faiss call (same snapshot, view, k,
    /// flags and query kind; only requests already queued are taken, never waited for). 1 disables.
    public var microBatchJobs = 64
    /// Query count from which flat searches (Flat views and IVF coarse quantisers) use BLAS (a
    /// process-wide Faiss setting). Debian's Faiss 1.7.3 scans with its scalar reference kernel, so
    /// OpenBLAS' vectorised sgemm is faster even for a single query: with 1 (the default) an IVF1024
    /// nprobe-1 search on 100k × 64 takes ≈ 13 µs instead of ≈ 45 µs, a single Flat search ≈ 1.9 ms
    /// instead of ≈ 3.7 ms. Faiss' own default is 20 (scalar scan below 20 queries).
    public var blasThreshold = 1
    /// Threads in OpenBLAS' own pool (process-wide). The server already runs one search per core,
    /// so more than 1 oversubscribes the cores.
    public var blasThreads = 1
    /// How long (µs) an idle search worker polls its queue (yielding between polls) before it
    /// sleeps on the condition variable. Saves a futex wake-up when requests follow each other
    /// closely, for a little CPU on an idle server; 0 disables.
    public var spinMicroseconds = 50
    /// How long (µs) after handing a TOPK to the workers the I/O loop polls for the completion
    /// (zero-timeout `epoll_wait`, yielding between polls) instead of sleeping; it stops as soon as
    /// no TOPK is out. Saves the loop's wake-up per request; 0 disables.
    public var loopSpinMicroseconds = 200
    /// Run-to-completion: how much search time (µs) the I/O loop spends per loop iteration on cheap
    /// TOPK requests itself (IVF or HNSW views, Flat views up to `inlineFlatMaxItems` items, at most
    /// `inlineMaxQueries` queries, no exclude list or names), skipping both thread hand-offs. At
    /// least one qualifying request per iteration runs inline; what does not fit goes to the
    /// workers. 0 sends every TOPK to the workers (the behaviour before run-to-completion).
    public var inlineBudgetMicroseconds = 200
    /// After answering inline, how long (µs) the I/O loop polls (zero-timeout `epoll_wait`, yielding
    /// between polls) for the next request instead of sleeping: saves the wake-up of a client that
    /// sends its next request right after a reply, for some CPU while traffic flows; 0 disables.
    /// Default 100: on an idle machine a one-connection TOPK round trip drops from ≈ 79 to ≈ 47 µs
    /// (the loop thread's wake-up); with 8 connections throughput and open-loop p99 are unchanged.
    public var inlineSpinMicroseconds = 100
    /// Most queries of a TOPK request served inline.
    public var inlineMaxQueries = 16
    /// Largest Flat view (items) whose searches count as cheap enough to serve inline.
    public var inlineFlatMaxItems = 20_000
    /// Simultaneous connections; more are answered `overloaded` and closed.
    public var maxConnections = 4096
    /// Requests (TOPK, RELOAD) in flight per connection; more get `too_many_in_flight`.
    public var maxInFlightPerConnection = 256
    /// Unsent reply bytes after which the server stops reading from a connection.
    public var maxPendingWriteBytes = 4 << 20
    /// Request bytes buffered across all connections (frames still arriving or held back). Past
    /// it, the connection whose unfinished frame started first gets `overloaded` and is closed, so
    /// many connections that each send most of a maximum-size frame and stall cannot hold
    /// `max_connections × max_frame_bytes` of memory (16 GiB with the defaults).
    public var maxBufferedRequestBytes = 256 << 20
    /// Close connections idle (no bytes, no work, nothing to send) this long; also the limit for a
    /// connection whose unsent output makes no progress.
    public var idleTimeoutMilliseconds = 300_000
    /// A frame that has started must complete within this time.
    public var frameDeadlineMilliseconds = 10_000
    /// How long a graceful stop waits for in-flight requests.
    public var drainTimeoutMilliseconds = 10_000
    /// Token RELOAD must carry; empty disables RELOAD.
    public var adminToken = ""
    /// Name announced in HELLO and INFO.
    public var serverName = "m2grl"
    /// Whether the server installs SIGHUP/SIGTERM/SIGINT handlers on its loop (the CLI does).
    public var handleSignals = false

    public init() {}

    /// The keys accepted in the file and the environment, with their setters.
    static let keys: [String: @Sendable (inout ServerConfiguration, String) throws(ServerError) -> Void] = [
        "host": { c, v throws(ServerError) in c.host = v },
        "port": { c, v throws(ServerError) in c.port = try integer(v, "port", 0...65_535) },
        "snapshot": { c, v throws(ServerError) in c.snapshotPath = v },
        "worker_threads": { c, v throws(ServerError) in c.workerThreads = try integer(v, "worker_threads", 0...1024) },
        "max_frame_bytes": { c, v throws(ServerError) in c.maxFrameBytes = try integer(v, "max_frame_bytes", 64...(1 << 30)) },
        "max_k": { c, v throws(ServerError) in c.maxK = try integer(v, "max_k", 1...1_000_000) },
        "max_batch": { c, v throws(ServerError) in c.maxBatch = try integer(v, "max_batch", 1...1_000_000) },
        "micro_batch_jobs": { c, v throws(ServerError) in c.microBatchJobs = try integer(v, "micro_batch_jobs", 1...4096) },
        "blas_threshold": { c, v throws(ServerError) in c.blasThreshold = try integer(v, "blas_threshold", 1...1_000_000) },
        "blas_threads": { c, v throws(ServerError) in c.blasThreads = try integer(v, "blas_threads", 1...256) },
        "spin_us": { c, v throws(ServerError) in c.spinMicroseconds = try integer(v, "spin_us", 0...10_000) },
        "loop_spin_us": { c, v throws(ServerError) in c.loopSpinMicroseconds = try integer(v, "loop_spin_us", 0...10_000) },
        "inline_budget_us": { c, v throws(ServerError) in c.inlineBudgetMicroseconds = try integer(v, "inline_budget_us", 0...1_000_000) },
        "inline_spin_us": { c, v throws(ServerError) in c.inlineSpinMicroseconds = try integer(v, "inline_spin_us", 0...10_000) },
        "inline_max_queries": { c, v throws(ServerError) in c.inlineMaxQueries = try integer(v, "inline_max_queries", 1...1_000_000) },
        "inline_flat_max_items": { c, v throws(ServerError) in c.inlineFlatMaxItems = try integer(v, "inline_flat_max_items", 0...1_000_000_000) },
        "max_connections": { c, v throws(ServerError) in c.maxConnections = try integer(v, "max_connections", 1...1_000_000) },
        "max_in_flight_per_connection": { c, v throws(ServerError) in
            c.maxInFlightPerConnection = try integer(v, "max_in_flight_per_connection", 1...1_000_000)
        },
        "max_buffered_request_bytes": { c, v throws(ServerError) in
            c.maxBufferedRequestBytes = try integer(v, "max_buffered_request_bytes", 65_536...(1 << 40))
        },
        "max_pending_write_bytes": { c, v throws(ServerError) in
            c.maxPendingWriteBytes = try integer(v, "max_pending_write_bytes", 1024...(1 << 30))
        },
        "idle_timeout_ms": { c, v throws(ServerError) in c.idleTimeoutMilliseconds = try integer(v, "idle_timeout_ms", 1...86_400_000) },
        "frame_deadline_ms": { c, v throws(ServerError) in c.frameDeadlineMilliseconds = try integer(v, "frame_deadline_ms", 1...86_400_000) },
        "drain_timeout_ms": { c, v throws(ServerError) in c.drainTimeoutMilliseconds = try integer(v, "drain_timeout_ms", 0...86_400_000) },
        "admin_token": { c, v throws(ServerError) in c.adminToken = v },
        "server_name": { c, v throws(ServerError) in c.serverName = v },
    ]

    /// Sets one key (file or environment spelling, e.g. `max_k`) from its text value.
    public mutating func set(_ key: String, _ value: String) throws(ServerError) {
        guard let setter = Self.keys[key] else {
            throw ServerError(.configuration, "unknown server setting '\(key)' (known: \(Self.keys.keys.sorted().joined(separator: ", ")))")
        }
        try setter(&self, value)
    }

    /// Applies the `[server]` table of a TOML file (parsed by `M2GRLCore.TOMLDocument`).
    public mutating func apply(tomlText text: String, source: String = "configuration") throws(ServerError) {
        let document: TOMLDocument
        do { document = try TOMLDocument(parsing: text, source: source) } catch {
            throw ServerError(.configuration, "\(error)")
        }
        for key in document.keys(under: "server") {
            let text: String
            switch document["server." + key] {
            case .string(let value): text = value
            case .integer(let value): text = String(value)
            case .bool(let value): text = String(value)
            case let other: throw ServerError(.configuration, "\(source): server.\(key) must be a string or an integer, got \(other.map(\.description) ?? "nothing")")
            }
            try set(key, text)
        }
    }

    /// Loads a TOML file over the current values.
    public mutating func apply(fileAt url: URL) throws(ServerError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ServerError(.configuration, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try apply(tomlText: text, source: url.path)
    }

    /// Applies `M2GRL_SERVER_<KEY>` variables (key upper-cased, e.g. `M2GRL_SERVER_MAX_K`).
    public mutating func apply(environment: [String: String]) throws(ServerError) {
        for key in Self.keys.keys.sorted() {
            if let value = environment["M2GRL_SERVER_" + key.uppercased()] { try set(key, value) }
        }
    }

    /// Checks the settings that constrain each other (each key alone is checked when set):
    /// `max_buffered_request_bytes` must hold one `max_frame_bytes` frame and its header, or every
    /// request of the largest allowed size would be shed as `overloaded`. `RPCServer.start` runs it.
    public func validate() throws(ServerError) {
        let smallest = maxFrameBytes + FrameHeader.size
        guard maxBufferedRequestBytes >= smallest else {
            throw ServerError(.configuration, "max_buffered_request_bytes (\(maxBufferedRequestBytes)) must be at least max_frame_bytes (\(maxFrameBytes)) + the \(FrameHeader.size)-byte frame header = \(smallest), or every maximum-size request is shed")
        }
    }

    /// The worker count actually used.
    public var effectiveWorkerThreads: Int {
        workerThreads > 0 ? workerThreads : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    private static func integer(_ text: String, _ key: String, _ range: ClosedRange<Int>) throws(ServerError) -> Int {
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw ServerError(.configuration, "\(key) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }
}
