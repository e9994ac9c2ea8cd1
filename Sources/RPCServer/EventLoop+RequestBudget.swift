import WireProtocol

/// The request-buffer budget (`max_buffered_request_bytes`): the bytes buffered across every
/// connection's frame decoder, and the shedding of the slowest senders when it is exceeded.
extension EventLoop {
    /// Brings `bufferedRequestBytes` up to date with a connection's decoder.
    func accountBufferedBytes(_ connection: Connection) {
        guard !connection.handleClosed else { return }
        let now = connection.decoder.bufferedByteCount
        bufferedRequestBytes += now - connection.accountedRequestBytes
        connection.accountedRequestBytes = now
    }

    /// Over the request-buffer budget: closes the connections whose unfinished frames started
    /// first (they are the slowest to send; a stalled frame is their doing) with `overloaded`,
    /// until the buffered bytes fit again. Connections paused by backpressure are never chosen:
    /// their buffered frames wait on the server, not on the peer (and hold at most one read
    /// buffer plus one frame each). A victim is always reading, so `fail` discards what it sends
    /// until the close and the close is not a reset that could destroy the `overloaded` frame.
    func shedBufferedRequests() {
        let candidates = connections.values.filter {
            $0.partialFrameSince != nil && $0.accountedRequestBytes > 0 && $0.isWritable && !$0.readingPaused
        }
            .sorted { $0.partialFrameSince! < $1.partialFrameSince! }
        for victim in candidates where bufferedRequestBytes > configuration.maxBufferedRequestBytes {
            stats.connectionsRejected += 1
            logger.warning("request buffers full: closing the connection with the oldest unfinished frame",
                           metadata: ["connection": "\(victim.id)", "buffered": "\(bufferedRequestBytes)"])
            let requestID = victim.decoder.peekHeader()?.requestID ?? 0
            releaseBufferedRequests(victim)
            fail(victim, WireProtocolError(.overloaded, "server request buffers are full (\(configuration.maxBufferedRequestBytes) bytes); this frame was the slowest"),
                 requestID: requestID)
        }
    }

    /// Drops a connection's buffered request bytes (a fresh decoder frees its buffer now) and
    /// takes them off the budget.
    func releaseBufferedRequests(_ connection: Connection) {
        bufferedRequestBytes -= connection.accountedRequestBytes
        connection.accountedRequestBytes = 0
        connection.decoder = FrameDecoder(maximumBodyLength: configuration.maxFrameBytes)
    }
}
