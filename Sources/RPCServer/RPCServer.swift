#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Snapshot
import Synchronization
import VectorIndex
import WireProtocol

/// The M2GRL RPC server: a libuv I/O loop thread plus a pool of search threads, serving top-K
/// queries from the current snapshot over the binary protocol of docs/PROTOCOL.md.
///
/// ```swift
/// let server = RPCServer(configuration: config, snapshot: initial, loader: { target in try load(target) })
/// try server.start()          // bound and listening when this returns; see `port`
/// ...
/// server.stop()               // stop accepting, drain in-flight requests
/// server.wait()               // until the loop and the workers have ended
/// ```
public final class RPCServer: Sendable {
    private struct Running: Sendable {
        let loop: EventLoop
        let loopThread: NativeThread
        let workers: WorkerPool
        let diverseWorkers: DiverseWorkerPool
    }

    public let configuration: ServerConfiguration
    private let store: SnapshotSlot
    private let logger: Logger
    private let running = Mutex<Running?>(nil)
    private let finished = Mutex(false)

    /// - Parameters:
    ///   - snapshot: served from the start.
    ///   - loader: loads a snapshot for RELOAD and SIGHUP (called on a background thread).
    public init(configuration: ServerConfiguration, snapshot: LoadedSnapshot, loader: @escaping SnapshotProvider,
                logger: Logger = Logger(label: "m2grl.server")) {
        self.configuration = configuration
        self.store = SnapshotSlot(initial: snapshot, loader: loader)
        self.logger = logger
    }

    /// Binds, starts the worker pool and the loop thread. Returns once the server is listening.
    ///
    /// Ignores SIGPIPE for the whole process: libuv writes with `write(2)`, and a write to a peer
    /// that has reset the connection (a client that sent requests and closed without reading)
    /// would otherwise kill the process instead of failing with `EPIPE`.
    public func start() throws(ServerError) {
        signal(SIGPIPE, SIG_IGN)
        try configuration.validate()
        try running.withLock { (running) throws(ServerError) in
            guard running == nil, !finished.withLock({ $0 }) else { throw ServerError(.state, "server already started") }
            let executor = TopKExecutor(maxK: configuration.maxK, maxBatch: configuration.maxBatch)
            let loopBox = Mutex<EventLoop?>(nil)
            VectorIndex.blasThreshold = configuration.blasThreshold
            VectorIndex.blasThreads = configuration.blasThreads
            let workers = WorkerPool(count: configuration.effectiveWorkerThreads, executor: executor,
                                     batchLimit: configuration.microBatchJobs,
                                     spinNanoseconds: UInt64(configuration.spinMicroseconds) * 1_000) { completion in
                _ = loopBox.withLock { $0 }?.post(.completion(completion))
            }
            let diverseExecutor = DiverseExecutor(maxK: configuration.maxK, maxTriggers: configuration.maxBatch)
            let diverseWorkers = DiverseWorkerPool(count: configuration.effectiveWorkerThreads, executor: diverseExecutor) { completion in
                _ = loopBox.withLock { $0 }?.post(.completion(completion))
            }
            let loop: EventLoop
            do throws(ServerError) {
                loop = try EventLoop(configuration: configuration, store: store, jobs: workers.jobs,
                                     diverseJobs: diverseWorkers.jobs, logger: logger)
            } catch {
                workers.shutdown()
                diverseWorkers.shutdown()
                throw error
            }
            loopBox.withLock { $0 = loop }
            let thread = NativeThread(name: "m2grl-io") { loop.run() }
            running = Running(loop: loop, loopThread: thread, workers: workers, diverseWorkers: diverseWorkers)
            logger.info("listening", metadata: [
                "address": "\(configuration.host):\(loop.port)", "workers": "\(configuration.effectiveWorkerThreads)",
                "snapshot": "\(store.snapshot.version)",
            ])
        }
    }

    /// The bound TCP port (useful with port 0), or 0 before `start`.
    public var port: Int { running.withLock { $0?.loop.port ?? 0 } }

    /// The version of the snapshot being served.
    public var snapshotVersion: String { store.snapshot.version }

    /// Asks the server to stop: no new connections or requests, in-flight ones finish. Thread-safe.
    public func stop() {
        _ = running.withLock { $0 }?.loop.post(.stop)
    }

    /// Blocks until the loop has drained and ended and the workers have stopped.
    public func wait() {
        guard let current = running.withLock({ $0 }) else { return }
        current.loopThread.join()
        current.workers.shutdown()
        current.diverseWorkers.shutdown()
        running.withLock { $0 = nil }
        finished.withLock { $0 = true }
        logger.info("stopped")
    }

    /// Loads `target` on the calling thread and swaps it in (what RELOAD and SIGHUP do).
    @discardableResult
    public func reload(_ target: ReloadTarget = .current) throws -> (previous: String, new: String) {
        try store.reload(target)
    }
}
