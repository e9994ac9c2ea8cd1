import CLibUV
import Logging
import Snapshot
import Synchronization
import VectorIndex
import WireProtocol

/// The libuv event loop: accepts connections, reads and decodes frames, answers cheap requests
/// inline, hands TOPK searches to the worker pool and writes the replies the workers send back.
///
/// Everything except `post(_:)` and `requestStop()` runs on the loop thread.
final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: the libuv handles, `connections`, `stats` and `state` are only touched
    // on the loop thread (from `run()` and the callbacks it drives). Other threads reach the loop only
    // through `post`/`requestStop`, which go through `inbox` (a Mutex) and `uv_async_send`, and the
    // async handle is only used while `inbox.alive` is true (checked under the same lock).
    enum Command: Sendable {
        case completion(Completion)
        case stop
        case reloadCurrent
    }

    struct Inbox {
        var alive = true
        var commands: [Command] = []
    }

    enum State { case running, draining, closed }

    let configuration: ServerConfiguration
    let store: SnapshotSlot
    let jobs: JobQueue<SearchJob>
    /// DIVERSE requests, served by their own workers.
    let diverseJobs: JobQueue<DiverseJob>
    let logger: Logger
    let startedAt = monotonicNanoseconds()

    let loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
    let listener = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
    let wakeup = UnsafeMutablePointer<uv_async_t>.allocate(capacity: 1)
    let sweepTimer = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
    /// Active while TOPK jobs are out and the spin window is open: an active idle handle makes
    /// `uv_run` poll with a zero timeout, so a completion is seen without an `epoll_wait` wake-up.
    let spinIdle = UnsafeMutablePointer<uv_idle_t>.allocate(capacity: 1)
    /// TOPK jobs handed to the workers whose completion has not arrived.
    var jobsOut = 0
    /// Monotonic time until which the loop polls instead of sleeping (extended by each hand-off).
    var spinUntil: UInt64 = 0
    var spinning = false
    /// Until when the loop polls even with no TOPK out (after inline replies; `inline_spin_us`).
    var idleSpinUntil: UInt64 = 0
    var signalHandles: [UnsafeMutablePointer<uv_signal_t>] = []
    /// Runs the TOPK requests gathered for the inline path at the end of each loop iteration.
    let inlineCheck = UnsafeMutablePointer<uv_check_t>.allocate(capacity: 1)
    /// Run-to-completion TOPK state (nil when `inline_budget_us` is 0).
    let inline: InlineSearch?
    /// Shared read buffer: libuv calls the read callback right after allocating, on this thread.
    let readBufferSize = 64 * 1024
    let readBuffer: UnsafeMutableRawPointer

    let inbox = Mutex(Inbox())
    var connections: [UInt64: Connection] = [:]
    /// Reloads started (RELOAD or SIGHUP) whose completion has not come back; each has a thread.
    var reloadsPending = 0
    /// Request bytes buffered in every connection's decoder (see `maxBufferedRequestBytes`).
    var bufferedRequestBytes = 0
    var nextConnectionID: UInt64 = 1
    var stats = ServerStats()
    var state = State.running
    var drainDeadline: UInt64 = 0
    /// The bound port.
    private(set) var port = 0

    init(configuration: ServerConfiguration, store: SnapshotSlot, jobs: JobQueue<SearchJob>,
         diverseJobs: JobQueue<DiverseJob>, logger: Logger) throws(ServerError) {
        self.configuration = configuration
        self.store = store
        self.jobs = jobs
        self.diverseJobs = diverseJobs
        self.logger = logger
        readBuffer = UnsafeMutableRawPointer.allocate(byteCount: readBufferSize, alignment: 16)
        inline = configuration.inlineBudgetMicroseconds > 0
            ? InlineSearch(maxK: configuration.maxK, maxQueries: min(configuration.maxBatch, configuration.inlineMaxQueries),
                           flatMaxItems: configuration.inlineFlatMaxItems)
            : nil
        uv_loop_init(loop)
        loop.pointee.data = Unmanaged.passUnretained(self).toOpaque()
        uv_tcp_init(loop, listener)
        do { try bind() } catch {
            uv_close(handle(listener), nil)
            uv_run(loop, UV_RUN_DEFAULT)
            uv_loop_close(loop)
            throw error
        }
        uv_async_init(loop, wakeup) { async in EventLoop.from(async!.pointee.loop).drainInbox() }
        uv_idle_init(loop, spinIdle)
        uv_check_init(loop, inlineCheck)
        if inline != nil {
            uv_check_start(inlineCheck) { check in EventLoop.from(check!.pointee.loop).runInline() }
        }
        uv_timer_init(loop, sweepTimer)
        let period = UInt64(sweepPeriodMilliseconds)
        uv_timer_start(sweepTimer, { timer in EventLoop.from(timer!.pointee.loop).sweep() }, period, period)
        if configuration.handleSignals { installSignals() }
    }

    deinit {
        readBuffer.deallocate()
        loop.deallocate()
        listener.deallocate()
        wakeup.deallocate()
        sweepTimer.deallocate()
        spinIdle.deallocate()
        inlineCheck.deallocate()
    }

    static func from(_ loop: UnsafeMutablePointer<uv_loop_t>!) -> EventLoop {
        Unmanaged<EventLoop>.fromOpaque(loop.pointee.data).takeUnretainedValue()
    }

    private func bind() throws(ServerError) {
        var address = sockaddr_in()
        var status = uv_ip4_addr(configuration.host, Int32(configuration.port), &address)
        guard status == 0 else { throw ServerError(.bind, "bad IPv4 address '\(configuration.host)': \(uvError(status))") }
        status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_bind(listener, $0, 0) }
        }
        guard status == 0 else { throw ServerError(.bind, "cannot bind \(configuration.host):\(configuration.port): \(uvError(status))") }
        status = uv_listen(stream(listener), 4096) { server, status in
            EventLoop.from(server!.pointee.loop).accept(status: status)
        }
        guard status == 0 else { throw ServerError(.bind, "cannot listen on \(configuration.host):\(configuration.port): \(uvError(status))") }
        var bound = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { uv_tcp_getsockname(listener, $0, &length) }
        }
        port = withUnsafePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    private func installSignals() {
        for number in [SIGHUP, SIGTERM, SIGINT] {
            let signal = UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)
            uv_signal_init(loop, signal)
            uv_signal_start(signal, { handle, number in
                let loop = EventLoop.from(handle!.pointee.loop)
                if number == SIGHUP { loop.handle(.reloadCurrent) } else { loop.handle(.stop) }
            }, number)
            uv_unref(handle(signal))
            signalHandles.append(signal)
        }
    }

    /// Runs the loop until it stops (call on the loop thread).
    func run() {
        // Inline searches run Faiss on this thread: one OpenMP thread, like the workers (OpenMP's
        // thread count is per calling thread; the default team would spin on the shared cores).
        if inline != nil { VectorIndex.setOpenMPThreads(1) }
        uv_run(loop, UV_RUN_DEFAULT)
        uv_loop_close(loop)
    }

    // MARK: Cross-thread entry points

    /// Hands a command to the loop from any thread. Returns false once the loop has ended.
    @discardableResult
    func post(_ command: Command) -> Bool {
        inbox.withLock { inbox in
            guard inbox.alive else { return false }
            inbox.commands.append(command)
            uv_async_send(wakeup)
            return true
        }
    }

    private func drainInbox() {
        let commands = inbox.withLock { inbox -> [Command] in
            defer { inbox.commands.removeAll(keepingCapacity: true) }
            return inbox.commands
        }
        for command in commands { handle(command) }
    }

    private func handle(_ command: Command) {
        switch command {
        case .completion(let completion): complete(completion)
        case .stop: beginDrain()
        case .reloadCurrent: startReload(.current, replyTo: nil)
        }
    }

    // MARK: Accept

    private func accept(status: Int32) {
        guard status == 0, state == .running else { return }
        let client = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop, client)
        guard uv_accept(stream(listener), stream(client)) == 0 else {
            uv_close(handle(client)) { UnsafeMutableRawPointer($0)?.deallocate() }
            return
        }
        uv_tcp_nodelay(client, 1)
        if connections.count >= configuration.maxConnections {
            stats.connectionsRejected += 1
            stats.countError(.overloaded)
            var bytes = Frame.encode(ErrorReply(code: .overloaded, message: "server is at its connection limit (\(configuration.maxConnections))"), requestID: 0)
            _ = bytes.withUnsafeMutableBytes { raw in
                var buffer = uv_buf_init(raw.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(raw.count))
                return uv_try_write(stream(client), &buffer, 1)
            }
            uv_close(handle(client)) { UnsafeMutableRawPointer($0)?.deallocate() }
            return
        }
        let connection = Connection(id: nextConnectionID, handle: client, maximumBodyLength: configuration.maxFrameBytes,
                                    now: monotonicNanoseconds())
        nextConnectionID += 1
        client.pointee.data = Unmanaged.passUnretained(connection).toOpaque()
        connections[connection.id] = connection
        stats.connectionsAccepted += 1
        stats.connectionsOpen += 1
        startReading(connection)
    }

    func startReading(_ connection: Connection) {
        uv_read_start(connection.stream, { handle, _, buffer in
            let loop = EventLoop.from(handle!.pointee.loop)
            buffer!.pointee = uv_buf_init(loop.readBuffer.assumingMemoryBound(to: CChar.self), UInt32(loop.readBufferSize))
        }, { stream, count, buffer in
            let loop = EventLoop.from(stream!.pointee.loop)
            let connection = Unmanaged<Connection>.fromOpaque(stream!.pointee.data).takeUnretainedValue()
            loop.didRead(connection, count: count, buffer: buffer!.pointee)
        })
        connection.readingPaused = false
    }

    // MARK: Closing

    /// Closes a connection now; pending writes are cancelled.
    func close(_ connection: Connection) {
        guard !connection.handleClosed else { return }
        connection.handleClosed = true
        connection.cancellation.cancel()
        releaseBufferedRequests(connection)
        uv_read_stop(connection.stream)
        uv_close(connection.rawHandle) { raw in
            let loop = EventLoop.from(raw!.pointee.loop)
            let connection = Unmanaged<Connection>.fromOpaque(raw!.pointee.data).takeUnretainedValue()
            loop.connections[connection.id] = nil
            loop.stats.connectionsOpen -= 1
            connection.handle.deallocate()
            loop.checkDrained()
        }
    }

    /// Sends a framing error and closes after it is written (or after a grace period).
    func fail(_ connection: Connection, _ error: WireProtocolError, requestID: UInt64) {
        guard connection.isWritable else { return }
        stats.countError(error.code)
        logger.debug("closing connection after framing error", metadata: ["connection": "\(connection.id)", "error": "\(error)"])
        send(Frame.encode(ErrorReply(error), requestID: requestID), to: connection)
        // Reading goes on (and discards) until the close, so unread bytes do not turn the close
        // into a reset that could destroy the error frame in the peer's receive buffer.
        shutdownAndClose(connection)
    }

    /// Half-closes after queued writes are flushed (so the peer sees FIN, not RST), then closes.
    /// The sweep force-closes the connection if the peer does not let the writes drain.
    func shutdownAndClose(_ connection: Connection) {
        guard connection.isWritable else { return }
        connection.shuttingDownSince = monotonicNanoseconds()
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        let status = uv_shutdown(request, connection.stream) { request, _ in
            let stream = request!.pointee.handle!
            request!.deallocate()
            let loop = EventLoop.from(stream.pointee.loop)
            loop.close(Unmanaged<Connection>.fromOpaque(stream.pointee.data).takeUnretainedValue())
        }
        if status != 0 {
            request.deallocate()
            close(connection)
        }
    }

    func handle<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_handle_t> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_handle_t.self)
    }

    func stream<T>(_ pointer: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<uv_stream_t> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: uv_stream_t.self)
    }
}

/// libuv's name and message for a status code.
func uvError(_ status: Int32) -> String {
    "\(String(cString: uv_err_name(status))) (\(String(cString: uv_strerror(status))))"
}
