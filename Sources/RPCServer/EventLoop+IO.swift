import CLibUV
import WireProtocol

/// A finished unit of work coming back to the loop: the reply bytes for one connection.
struct Completion: Sendable {
    let connectionID: UInt64
    let requestType: MessageType
    let bytes: [UInt8]
    let error: ErrorCode?
    let receivedAt: UInt64
    let queryCount: Int
    /// Reply bytes the request reserved on its connection (released here).
    var reservedBytes = 0
    /// For reloads: whether the new snapshot was swapped in.
    var reloadSucceeded: Bool? = nil
}

extension EventLoop {
    // MARK: Reading

    func didRead(_ connection: Connection, count: Int, buffer: uv_buf_t) {
        guard count >= 0 else {
            if count == Int(UV_EOF.rawValue) {
                // The peer will send nothing more; finish what it asked for, then close.
                connection.peerFinished = true
                uv_read_stop(connection.stream)
                if connection.isQuiescent { close(connection) }
            } else {
                close(connection)
            }
            return
        }
        guard count > 0, !connection.handleClosed, connection.shuttingDownSince == nil else { return }
        connection.lastActivity = monotonicNanoseconds()
        stats.bytesRead += UInt64(count)
        connection.decoder.feed(UnsafeRawBufferPointer(start: buffer.base, count: count))
        processFrames(connection, inline: true)
        if bufferedRequestBytes > configuration.maxBufferedRequestBytes { shedBufferedRequests() }
    }

    /// Whether the connection owes more reply bytes than the limit while something is still
    /// outstanding (a single request is always taken, however large its reply).
    func isOverCommitted(_ connection: Connection) -> Bool {
        connection.owedReplyBytes > configuration.maxPendingWriteBytes && !connection.isQuiescent
    }

    /// Decodes and dispatches the complete frames buffered for a connection, until it owes too many
    /// reply bytes: then it stops (frames stay buffered) and pauses reading, so a client that
    /// pipelines requests faster than it reads the replies costs at most about the limit in reply
    /// buffers. `inline: false` (resuming outside the read callback) sends every TOPK to the workers.
    func processFrames(_ connection: Connection, inline: Bool) {
        var completedAny = false
        while connection.isWritable {
            if isOverCommitted(connection) {
                pauseReading(connection)
                break
            }
            let header: FrameHeader?
            do {
                header = try connection.decoder.nextCompleteHeader()
            } catch {
                fail(connection, error, requestID: 0)
                return
            }
            guard let header else { break }
            completedAny = true
            let receivedAt = monotonicNanoseconds()
            if inline, header.type == .topK, acceptInline(header, from: connection, receivedAt: receivedAt) {
                connection.decoder.skipFrame(header)
                continue
            }
            dispatch(connection.decoder.takeFrame(header), from: connection, receivedAt: receivedAt)
        }
        // The frame deadline runs from when the current unfinished frame started: a client that
        // keeps completing frames (its reads ending mid-frame) restarts it with every frame.
        if connection.decoder.hasPartialFrame {
            if completedAny || connection.partialFrameSince == nil { connection.partialFrameSince = monotonicNanoseconds() }
        } else {
            connection.partialFrameSince = nil
        }
        accountBufferedBytes(connection)
    }

    /// Stops reading from a connection that owes too many reply bytes.
    func pauseReading(_ connection: Connection) {
        guard !connection.readingPaused, !connection.handleClosed else { return }
        connection.readingPaused = true
        if !connection.peerFinished { uv_read_stop(connection.stream) }
    }

    /// Once the bytes owed drain below half the limit: dispatches the frames held back, then
    /// reads again. Then closes the connection if it is done (`finishIfDone`).
    ///
    /// While draining too: the held frames are answered (new work with `shutting_down`, see
    /// `admit`), and reading restarts so what the peer sent while paused is answered as well
    /// instead of being reset away by the close; the sweep finishes such a connection once its
    /// reads go quiet (`awaitingDrainReads`).
    func settle(_ connection: Connection) {
        if connection.readingPaused && connection.isWritable && (state == .running || state == .draining)
            && connection.owedReplyBytes <= configuration.maxPendingWriteBytes / 2 {
            connection.readingPaused = false
            // The frame deadline restarts: the bytes waited on the server, not on the peer.
            connection.partialFrameSince = nil
            processFrames(connection, inline: false)
            if !connection.readingPaused && !connection.peerFinished && connection.isWritable {
                startReading(connection)
                if state == .draining {
                    connection.awaitingDrainReads = true
                    connection.lastActivity = monotonicNanoseconds()
                }
            }
        }
        finishIfDone(connection)
    }

    // MARK: Writing

    /// Writes reply bytes: a direct `uv_try_write` when nothing is queued, otherwise (or for the
    /// rest) a queued `uv_write` from a private copy. Applies backpressure past the limit.
    func send(_ bytes: [UInt8], to connection: Connection) {
        bytes.withUnsafeBytes { send(raw: $0, to: connection) }
    }

    /// Writes reply bytes the caller keeps ownership of (copied only if they cannot all be written now).
    func send(raw bytes: UnsafeRawBufferPointer, to connection: Connection) {
        guard connection.isWritable else { return }
        var offset = 0
        if connection.pendingWriteBytes == 0 {
            var buffer = uv_buf_init(UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: CChar.self)),
                                     UInt32(bytes.count))
            let written = uv_try_write(connection.stream, &buffer, 1)
            if written >= 0 {
                offset = Int(written)
                stats.bytesWritten += UInt64(written)
            } else if written != UV_EAGAIN.rawValue {
                close(connection)
                return
            }
        }
        let remaining = bytes.count - offset
        guard remaining > 0 else {
            connection.lastActivity = monotonicNanoseconds()
            return
        }
        // One block: [remaining: Int][bytes...]; freed by the write callback.
        let block = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<Int>.size + remaining, alignment: 16)
        block.storeBytes(of: remaining, as: Int.self)
        (block + MemoryLayout<Int>.size).copyMemory(from: bytes.baseAddress! + offset, byteCount: remaining)
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        request.pointee.data = block
        var buffer = uv_buf_init((block + MemoryLayout<Int>.size).assumingMemoryBound(to: CChar.self), UInt32(remaining))
        let status = uv_write(request, connection.stream, &buffer, 1) { request, status in
            let block = request!.pointee.data!
            let length = block.load(as: Int.self)
            let stream = request!.pointee.handle!
            block.deallocate()
            request!.deallocate()
            let loop = EventLoop.from(stream.pointee.loop)
            let connection = Unmanaged<Connection>.fromOpaque(stream.pointee.data).takeUnretainedValue()
            loop.didWrite(connection, length: length, status: status)
        }
        if status != 0 {
            block.deallocate()
            request.deallocate()
            close(connection)
            return
        }
        if connection.pendingWriteBytes == 0 { connection.lastWriteProgress = monotonicNanoseconds() }
        connection.pendingWriteBytes += remaining
        if isOverCommitted(connection) && connection.shuttingDownSince == nil { pauseReading(connection) }
    }

    private func didWrite(_ connection: Connection, length: Int, status: Int32) {
        connection.pendingWriteBytes -= length
        guard status == 0 else {
            close(connection)
            return
        }
        stats.bytesWritten += UInt64(length)
        let now = monotonicNanoseconds()
        connection.lastWriteProgress = now
        connection.lastActivity = now
        settle(connection)
    }

    /// Closes a connection whose peer finished, or that is draining, once nothing is owed.
    func finishIfDone(_ connection: Connection) {
        guard connection.isQuiescent, !connection.handleClosed, connection.shuttingDownSince == nil,
              !connection.awaitingDrainReads else { return }
        if connection.peerFinished { close(connection) } else if state == .draining { shutdownAndClose(connection) }
    }

    // MARK: Completions from workers

    func complete(_ completion: Completion) {
        if let error = completion.error { stats.countError(error) }
        stats.queries += UInt64(completion.queryCount)
        if let ok = completion.reloadSucceeded {
            reloadsPending -= 1
            if ok { stats.reloadsOK += 1 } else { stats.reloadsFailed += 1 }
        }
        if completion.requestType == .topK { jobsOut -= 1 }
        guard let connection = connections[completion.connectionID] else { return }
        connection.inFlight -= 1
        connection.reservedReplyBytes -= completion.reservedBytes
        send(completion.bytes, to: connection)
        stats.recordLatency(completion.requestType, nanoseconds: monotonicNanoseconds() &- completion.receivedAt)
        settle(connection)
    }

    // MARK: Timers: idle, frame deadline, stalled output, drain deadline

    /// How often `sweep` runs: a quarter of the shorter of the frame deadline and idle timeout, in 10...250 ms.
    var sweepPeriodMilliseconds: Int {
        max(10, min(250, min(configuration.frameDeadlineMilliseconds, configuration.idleTimeoutMilliseconds) / 4))
    }

    func sweep() {
        let now = monotonicNanoseconds()
        let idle = UInt64(configuration.idleTimeoutMilliseconds) * 1_000_000
        let deadline = UInt64(configuration.frameDeadlineMilliseconds) * 1_000_000
        for connection in Array(connections.values) where !connection.handleClosed {
            if let since = connection.shuttingDownSince {
                if now &- since > 1_000_000_000 { close(connection) }
            } else if connection.pendingWriteBytes > 0 {
                if now &- connection.lastWriteProgress > idle { close(connection) }
            } else if let since = connection.partialFrameSince, !connection.readingPaused, now &- since > deadline {
                fail(connection, WireProtocolError(.frameTimeout, "frame not completed within \(configuration.frameDeadlineMilliseconds) ms"),
                     requestID: connection.decoder.peekHeader()?.requestID ?? 0)
            } else if connection.inFlight == 0 && !connection.decoder.hasPartialFrame && now &- connection.lastActivity > idle {
                close(connection)
            }
        }
        if state == .draining {
            // Connections resumed while draining: done reading once nothing arrived for a sweep.
            let quiet = UInt64(sweepPeriodMilliseconds) * 1_000_000
            for connection in Array(connections.values) where connection.awaitingDrainReads && now &- connection.lastActivity > quiet {
                connection.awaitingDrainReads = false
                finishIfDone(connection)
            }
        }
        if state == .draining && now > drainDeadline {
            logger.warning("drain deadline passed; closing remaining connections", metadata: ["open": "\(connections.count)"])
            for connection in Array(connections.values) { close(connection) }
        }
    }

    // MARK: Graceful stop

    func beginDrain() {
        guard state == .running else { return }
        state = .draining
        drainDeadline = monotonicNanoseconds() + UInt64(configuration.drainTimeoutMilliseconds) * 1_000_000
        logger.info("draining", metadata: ["connections": "\(connections.count)"])
        uv_close(handle(listener), nil)
        // Connections keep being read so frames already sent get an answer (new work is refused
        // with `shutting_down`); each closes gracefully once nothing is owed.
        for connection in Array(connections.values) { finishIfDone(connection) }
        checkDrained()
    }

    /// Once draining and every connection is closed, closes the loop's own handles so `uv_run` returns.
    func checkDrained() {
        guard state == .draining, connections.isEmpty else { return }
        state = .closed
        inbox.withLock { $0.alive = false }
        uv_close(handle(wakeup), nil)
        uv_timer_stop(sweepTimer)
        uv_close(handle(sweepTimer), nil)
        uv_idle_stop(spinIdle)
        spinning = false
        uv_close(handle(spinIdle), nil)
        uv_check_stop(inlineCheck)
        uv_close(handle(inlineCheck), nil)
        for signal in signalHandles {
            uv_signal_stop(signal)
            uv_close(handle(signal)) { UnsafeMutableRawPointer($0)?.deallocate() }
        }
        signalHandles = []
    }
}
