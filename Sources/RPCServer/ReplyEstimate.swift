import WireProtocol

/// Upper estimates of reply sizes, reserved on a connection while its requests are in flight so
/// that backpressure counts replies still being computed, not only replies already queued (see
/// `EventLoop.processFrames`). Names and categories are estimated at 64 and 32 bytes per result;
/// the bytes actually queued are counted exactly once the reply is sent.
///
/// The estimates run before a request is validated, so callers clamp `queries` and `k` to the
/// server limits (a request past them is refused anyway); the arithmetic also saturates at
/// `Int.max` instead of trapping, whatever it is given.
enum ReplyEstimate {
    /// A TOPK reply: `queries` result lists of at most `min(k, viewCount)` results.
    static func topK(queries: Int, k: Int, viewCount: Int?, names: Bool) -> Int {
        let results = max(0, min(k, viewCount ?? k))
        let perResult = 12 + (names ? 64 : 0)
        let perQuery = saturatingAdd(4, saturatingMultiply(results, perResult))
        return saturatingAdd(FrameHeader.size + 4, saturatingMultiply(max(0, queries), perQuery))
    }

    /// A DIVERSE reply of at most `k` results.
    static func diverse(k: Int, names: Bool) -> Int {
        saturatingAdd(FrameHeader.size + 4, saturatingMultiply(max(0, k), 20 + 2 + 32 + (names ? 64 : 0)))
    }

    private static func saturatingMultiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : product
    }

    private static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }
}
