import WireProtocol

/// Upper estimates of reply sizes, reserved on a connection while its requests are in flight so
/// that backpressure counts replies still being computed, not only replies already queued (see
/// `EventLoop.processFrames`). Names and categories are estimated at 64 and 32 bytes per result;
/// the bytes actually queued are counted exactly once the reply is sent.
enum ReplyEstimate {
    /// A TOPK reply: `queries` result lists of at most `min(k, viewCount)` results.
    static func topK(queries: Int, k: Int, viewCount: Int?, names: Bool) -> Int {
        let results = min(k, viewCount ?? k)
        return FrameHeader.size + 4 + queries * (4 + results * (12 + (names ? 64 : 0)))
    }

    /// A DIVERSE reply of at most `k` results.
    static func diverse(k: Int, names: Bool) -> Int {
        FrameHeader.size + 4 + k * (20 + 2 + 32 + (names ? 64 : 0))
    }
}
