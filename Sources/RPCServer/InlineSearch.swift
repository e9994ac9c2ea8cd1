import Snapshot
import VectorIndex
import WireProtocol

/// Run-to-completion TOPK on the I/O loop thread: cheap requests (IVF or HNSW views, or small Flat
/// views; few queries; no exclude list, no names) are parsed straight from the receive buffer,
/// gathered during one loop iteration, searched at the end of it (consecutive requests that share
/// a snapshot, view, k and query kind in one Faiss call) and answered from reused buffers. This
/// skips both thread hand-offs of the worker path, and after warm-up a request by vectors allocates
/// nothing in this code (Faiss' own allocations aside; see `InlineSearchTests`). Requests by item id
/// allocate one array per query (`VectorIndex.reconstruct`).
///
/// Confined to the loop thread (or one test thread).
final class InlineSearch {
    /// A request accepted for the inline path, waiting for the end of the loop iteration.
    struct Pending {
        let connection: Connection
        let requestID: UInt64
        let excludeOwn: Bool
        let snapshot: LoadedSnapshot
        let view: ServedView
        let k: Int
        /// Where this request's floats start in `queries` and its rows in `keys`; its query count.
        let floatOffset: Int
        let row: Int
        let count: Int
        let byID: Bool
        let receivedAt: UInt64

        /// The reply bytes reserved on the connection for this request.
        var reservedBytes: Int { ReplyEstimate.topK(queries: count, k: k, viewCount: view.count, names: false) }
    }

    /// A finished inline request: the reply frame (valid until the next `run`), or an error.
    struct Answer {
        let pending: Pending
        let frame: UnsafeRawBufferPointer
        let error: ErrorCode?
    }

    let maxK: Int
    /// Most queries of one request taken inline.
    let maxQueries: Int
    /// Largest Flat view (items) taken inline; IVF and HNSW views always qualify.
    let flatMaxItems: Int
    private(set) var pending: [Pending] = []
    /// Gathered query vectors, row-major, and for id queries each row's item key.
    private let scratch = SearchScratch(reservingFloats: 256 * 128, results: 1024 * 16)
    private var keys: [Int64] = []
    /// Result slots that survive the filter for the query being encoded.
    private var kept: [Int] = []
    private var reply: UnsafeMutableRawBufferPointer
    /// Estimated cost of one inline query in nanoseconds (moving average of measured searches).
    private(set) var nanosecondsPerQuery: UInt64 = 50_000
    /// Faiss calls made and requests answered so far (a batch answers several with one call).
    private(set) var searchCalls = 0
    private(set) var requestsAnswered = 0

    init(maxK: Int, maxQueries: Int, flatMaxItems: Int) {
        self.maxK = maxK
        self.maxQueries = maxQueries
        self.flatMaxItems = flatMaxItems
        pending.reserveCapacity(256)
        keys.reserveCapacity(1024)
        kept.reserveCapacity(64)
        reply = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit { reply.deallocate() }

    var isEmpty: Bool { pending.isEmpty }

    /// Takes a TOPK frame for the inline path if it qualifies (returns false otherwise, touching
    /// nothing, and the caller serves it the usual way — which also produces every error reply).
    func accept(_ header: FrameHeader, body: UnsafeRawBufferPointer, snapshot: LoadedSnapshot,
                connection: Connection, receivedAt: UInt64) -> Bool {
        guard !header.flags.contains(.includeNames), let request = try? TopKRequestView(body: body),
              request.excludeCount == 0, request.count >= 1, request.count <= maxQueries,
              request.k >= 1, Int(request.k) <= maxK,
              let name = String(validating: request.viewName.assumingMemoryBound(to: UInt8.self), as: UTF8.self),
              let view = snapshot.view(named: name), qualifies(view) else { return false }
        let start = scratch.queries.count
        let row = keys.count
        let dimension = view.dimension
        if request.byID {
            for q in 0..<request.count {
                let key = request.queryID(q)
                guard view.keyMap.row(forKey: key) != nil, let vector = try? view.index.reconstruct(id: key) else {
                    rollback(floats: start, rows: row)
                    return false
                }
                scratch.queries += vector
                keys.append(key)
            }
        } else {
            guard request.dimension == dimension else { return false }
            scratch.queries.reserveCapacity(start + request.count * dimension)
            for i in 0..<(request.count * dimension) {
                let value = request.queryValue(i)
                guard value.isFinite else {
                    rollback(floats: start, rows: row)
                    return false
                }
                scratch.queries.append(value)
            }
            for _ in 0..<request.count { keys.append(-1) }
        }
        pending.append(Pending(connection: connection, requestID: header.requestID,
                               excludeOwn: request.byID && header.flags.contains(.excludeQueryItems),
                               snapshot: snapshot, view: view, k: Int(request.k), floatOffset: start, row: row,
                               count: request.count, byID: request.byID, receivedAt: receivedAt))
        return true
    }

    /// How many of the pending requests (from the front) fit in `budget` nanoseconds of search at
    /// the current cost estimate; at least one.
    func inlineCount(budget: UInt64) -> Int {
        var queriesSoFar: UInt64 = 0
        for (i, entry) in pending.enumerated() {
            queriesSoFar += UInt64(entry.count)
            if i > 0 && queriesSoFar * nanosecondsPerQuery > budget { return i }
        }
        return pending.count
    }

    /// The pending requests from `index` on as worker jobs (the overflow of a busy iteration).
    func jobs(from index: Int) -> [SearchJob] {
        pending[index...].map { entry in
            let floats = entry.count * entry.view.dimension
            let request = TopKRequest(view: entry.view.name, k: UInt32(entry.k),
                                      queries: entry.byID ? .ids(Array(keys[entry.row..<(entry.row + entry.count)]))
                                          : .vectors(dimension: entry.view.dimension,
                                                     values: Array(scratch.queries[entry.floatOffset..<(entry.floatOffset + floats)])))
            return SearchJob(connectionID: entry.connection.id, requestID: entry.requestID,
                             flags: entry.excludeOwn ? .excludeQueryItems : [], request: request,
                             snapshot: entry.snapshot, receivedAt: entry.receivedAt,
                             reservedBytes: entry.reservedBytes, cancellation: entry.connection.cancellation)
        }
    }

    /// Searches the first `count` pending requests, hands each answer to `answer` in order, and
    /// forgets every pending request (the caller has taken the rest as `jobs(from: count)`).
    func run(first count: Int, now: () -> UInt64, _ answer: (Answer) -> Void) {
        var start = 0
        while start < count {
            var end = start + 1
            let lead = pending[start]
            while end < count, sameBatch(lead, pending[end]) { end += 1 }
            runBatch(start..<end, now: now, answer)
            start = end
        }
        pending.removeAll(keepingCapacity: true)
        scratch.queries.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
    }

    private func runBatch(_ range: Range<Int>, now: () -> UInt64, _ answer: (Answer) -> Void) {
        let lead = pending[range.lowerBound]
        let view = lead.view
        let last = pending[range.upperBound - 1]
        let firstRow = lead.row
        let rows = last.row + last.count - firstRow
        let floats = lead.floatOffset..<(last.floatOffset + last.count * view.dimension)
        let searchK = min(lead.k + (lead.excludeOwn ? 1 : 0), max(view.count, 1))
        scratch.ensureResultCapacity(rows * searchK)
        let started = now()
        searchCalls += 1
        requestsAnswered += range.count
        do {
            try scratch.queries.withUnsafeBufferPointer { (all) throws(VectorIndexError) in
                let batch = UnsafeBufferPointer(rebasing: all[floats])
                try scratch.scores.withUnsafeMutableBufferPointer { (scores) throws(VectorIndexError) in
                    try scratch.ids.withUnsafeMutableBufferPointer { (ids) throws(VectorIndexError) in
                        try view.index.search(queries: batch, k: searchK, parameters: view.searchParameters, scores: scores, ids: ids)
                    }
                }
            }
        } catch {
            let failure = WireProtocolError(.internalError, "\(error)")
            for i in range {
                let bytes = Frame.encode(ErrorReply(failure), requestID: pending[i].requestID)
                bytes.withUnsafeBytes { answer(Answer(pending: pending[i], frame: $0, error: failure.code)) }
            }
            return
        }
        let elapsed = now() &- started
        let ids = scratch.ids, scores = scratch.scores
        nanosecondsPerQuery = (nanosecondsPerQuery * 7 + elapsed / UInt64(rows)) / 8
        entries: for i in range {
            let entry = pending[i]
            let capacity = TopKReplyEncoder.capacity(queryCount: entry.count, k: entry.k)
            if reply.count < capacity {
                reply.deallocate()
                reply = .allocate(byteCount: max(capacity, reply.count * 2), alignment: 16)
            }
            var encoder = TopKReplyEncoder(buffer: reply, requestID: entry.requestID, queryCount: entry.count)
            for q in 0..<entry.count {
                let row = entry.row + q
                let own = entry.excludeOwn ? keys[row] : Int64.min
                // Result slots of this query that survive the filter, in order (at most k).
                let base = (row - firstRow) * searchK
                kept.removeAll(keepingCapacity: true)
                for j in base..<(base + searchK) where kept.count < entry.k && ids[j] >= 0 && ids[j] != own {
                    // A huge but finite query vector can overflow float32 inner products: the
                    // request is refused (see `TopKExecutor.scoreOverflow`); its half-encoded
                    // reply stays in the reused scratch buffer.
                    guard scores[j].isFinite else {
                        let bytes = Frame.encode(ErrorReply(TopKExecutor.scoreOverflow), requestID: entry.requestID)
                        bytes.withUnsafeBytes { answer(Answer(pending: entry, frame: $0, error: TopKExecutor.scoreOverflow.code)) }
                        continue entries
                    }
                    kept.append(j)
                }
                kept.withUnsafeBufferPointer { slot in
                    encoder.appendResult(count: slot.count) { (ids[slot[$0]], scores[slot[$0]]) }
                }
            }
            answer(Answer(pending: entry, frame: encoder.finish(), error: nil))
        }
    }

    private func qualifies(_ view: ServedView) -> Bool {
        switch view.index.kind {
        case .ivf, .hnsw: return true
        case .flat: return view.count <= flatMaxItems
        case .other: return false
        }
    }

    /// Whether `b` can share `a`'s Faiss call (vectors of consecutive requests are contiguous).
    private func sameBatch(_ a: Pending, _ b: Pending) -> Bool {
        a.snapshot === b.snapshot && a.view === b.view && a.k == b.k && a.excludeOwn == b.excludeOwn
    }

    private func rollback(floats: Int, rows: Int) {
        scratch.queries.removeSubrange(floats...)
        keys.removeSubrange(rows...)
    }
}
