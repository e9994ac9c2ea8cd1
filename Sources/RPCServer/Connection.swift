import CLibUV
import WireProtocol

/// One client connection. Owned and touched only by the I/O loop thread.
final class Connection {
    let id: UInt64
    /// The libuv TCP handle; freed in the close callback.
    let handle: UnsafeMutablePointer<uv_tcp_t>
    var decoder: FrameDecoder
    /// Requests handed to workers (or a reload) whose replies are not yet written.
    var inFlight = 0
    /// Reply bytes queued in libuv and not yet written to the socket.
    var pendingWriteBytes = 0
    /// Upper estimate of the reply bytes of the requests in flight (released when each is answered).
    var reservedReplyBytes = 0
    /// Reading (and decoding of frames already received) stopped because the reply bytes owed
    /// passed the limit; resumed once they drain below half of it.
    var readingPaused = false
    /// Reading restarted while the server drains (it had been paused): the frames still in the
    /// socket are read and answered before the graceful close, which waits for reads to go quiet.
    var awaitingDrainReads = false
    /// This connection's share of `EventLoop.bufferedRequestBytes` (its decoder's bytes when last counted).
    var accountedRequestBytes = 0
    /// Set on close: queued worker jobs of this connection are skipped.
    let cancellation = CancellationFlag()
    /// The peer closed its sending side; close once everything owed is written.
    var peerFinished = false
    /// `uv_close` was called: no more reads, writes or replies.
    var handleClosed = false
    /// A shutdown after a framing error is under way; force-closed by the sweep if it stalls.
    var shuttingDownSince: UInt64?
    /// Last time bytes were read or written.
    var lastActivity: UInt64
    /// When the first byte of the frame now being received arrived.
    var partialFrameSince: UInt64?
    /// Last time queued output made progress (reset when the queue empties).
    var lastWriteProgress: UInt64

    init(id: UInt64, handle: UnsafeMutablePointer<uv_tcp_t>, maximumBodyLength: Int, now: UInt64) {
        self.id = id
        self.handle = handle
        self.decoder = FrameDecoder(maximumBodyLength: maximumBodyLength)
        self.lastActivity = now
        self.lastWriteProgress = now
    }

    var stream: UnsafeMutablePointer<uv_stream_t> { UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_stream_t.self) }
    var rawHandle: UnsafeMutablePointer<uv_handle_t> { UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self) }

    /// Whether the connection can still take replies.
    var isWritable: Bool { !handleClosed && shuttingDownSince == nil }

    /// Reply bytes owed to the peer: queued in libuv plus reserved for requests in flight.
    var owedReplyBytes: Int { pendingWriteBytes + reservedReplyBytes }

    /// Nothing in flight and nothing left to send.
    var isQuiescent: Bool { inFlight == 0 && pendingWriteBytes == 0 }
}
