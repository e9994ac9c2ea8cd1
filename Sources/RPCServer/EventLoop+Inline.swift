import CLibUV
import WireProtocol

/// The loop's side of run-to-completion TOPK (see `InlineSearch`): requests that qualify are
/// gathered while frames are read and searched in the loop's check phase, right after the I/O
/// callbacks of the same iteration, so replies leave without any thread hand-off.
///
/// Fairness: per iteration the loop searches only as many gathered requests as fit in
/// `inline_budget_us` at the measured cost per query (at least one); the rest go to the worker
/// pool *before* the loop starts searching, so the workers run them on the other cores meanwhile.
/// Expensive requests (big Flat views, large batches, exclude lists, names, DIVERSE) always go to
/// the workers and never hold up the loop.
extension EventLoop {
    /// Takes a complete TOPK frame for the inline path if it qualifies; false leaves it in the decoder.
    func acceptInline(_ header: FrameHeader, from connection: Connection, receivedAt: UInt64) -> Bool {
        // A refused admission falls back to the usual path, which sends the error reply.
        guard let inline, (try? admit(connection)) != nil else { return false }
        let snapshot = store.snapshot
        let taken = connection.decoder.withFrontFrame(of: header) { body in
            inline.accept(header, body: body, snapshot: snapshot, connection: connection, receivedAt: receivedAt)
        }
        guard taken, let entry = inline.pending.last else { return false }
        stats.countRequest(.topK)
        connection.inFlight += 1
        connection.reservedReplyBytes += entry.reservedBytes
        return true
    }

    /// The check callback: hands the overflow to the workers, then searches and answers the rest.
    func runInline() {
        guard let inline, !inline.isEmpty else { return }
        let count = inline.inlineCount(budget: UInt64(configuration.inlineBudgetMicroseconds) * 1_000)
        if count < inline.pending.count {
            for (offset, job) in inline.jobs(from: count).enumerated() {
                if jobs.push(job) {
                    jobsOut += 1
                } else {
                    let connection = inline.pending[count + offset].connection
                    connection.inFlight -= 1
                    connection.reservedReplyBytes -= job.reservedBytes
                    stats.countError(.shuttingDown)
                    send(Frame.encode(ErrorReply(code: .shuttingDown, message: "server is shutting down"), requestID: job.requestID),
                         to: connection)
                    settle(connection)
                }
            }
            startSpinning()
        }
        inline.run(first: count, now: monotonicNanoseconds) { answer in
            let connection = answer.pending.connection
            connection.inFlight -= 1
            connection.reservedReplyBytes -= answer.pending.reservedBytes
            if let error = answer.error { stats.countError(error) }
            stats.queries += UInt64(answer.pending.count)
            stats.topKInline += 1
            reply(raw: answer.frame, type: .topK, to: connection, receivedAt: answer.pending.receivedAt)
            settle(connection)
        }
        startSpinningForNextRequest()
    }
}
