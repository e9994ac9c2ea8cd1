import Snapshot
import VectorIndex
import WireProtocol

/// A TOPK request handed from the I/O loop to a worker, with the snapshot it was received under.
struct SearchJob: Sendable {
    let connectionID: UInt64
    let requestID: UInt64
    let flags: FrameFlags
    let request: TopKRequest
    /// Holding the snapshot keeps it (and its indexes) alive until this search ends.
    let snapshot: LoadedSnapshot
    let receivedAt: UInt64
    /// Reply bytes reserved on the connection for this request (released on completion).
    var reservedBytes = 0
    /// Set when the connection closed: the job is skipped.
    var cancellation: CancellationFlag? = nil
}

/// Runs TOPK requests against a snapshot and encodes the reply frames. Runs on worker threads.
///
/// `execute(batch:scratch:)` answers several jobs that share a `BatchKey` with one Faiss call over
/// all their queries (a flat index then computes one matrix product through BLAS); each job still
/// gets its own reply, identical to what it would get alone.
struct TopKExecutor: Sendable {
    let maxK: Int
    let maxBatch: Int

    /// A complete reply frame (TOPK reply or ERROR) and the error code, if any.
    typealias Outcome = (bytes: [UInt8], error: ErrorCode?)

    /// Answers one job alone.
    func execute(_ job: SearchJob) -> Outcome {
        execute(batch: [job], scratch: SearchScratch(reservingFloats: 0, results: 0))[0]
    }

    /// Answers jobs that share one `BatchKey`, in order, searching all valid ones in one Faiss call.
    func execute(batch jobs: [SearchJob], scratch: SearchScratch) -> [Outcome] {
        guard let first = jobs.first else { return [] }
        var outcomes = [Outcome](repeating: ([], nil), count: jobs.count)
        // (job index, first query row, query count) of every job that passed validation.
        var accepted: [(job: Int, row: Int, count: Int)] = []
        accepted.reserveCapacity(jobs.count)
        scratch.queries.removeAll(keepingCapacity: true)
        var rows = 0
        for (i, job) in jobs.enumerated() {
            if job.cancellation?.isCancelled == true { continue } // nobody to answer: empty outcome
            do {
                let count = try gather(job, into: &scratch.queries)
                accepted.append((i, rows, count))
                rows += count
            } catch {
                outcomes[i] = failure(error, requestID: job.requestID)
            }
        }
        guard let lead = accepted.first.map({ jobs[$0.job] }), let view = first.snapshot.view(named: first.request.view) else {
            return outcomes
        }
        let k = Int(lead.request.k)
        let excludeQuery = Self.excludesQuery(lead)
        let exclude = Set(lead.request.exclude)
        let extra = exclude.count + (excludeQuery ? 1 : 0)
        let searchK = min(k + extra, max(view.count, 1))
        scratch.ensureResultCapacity(rows * searchK)
        do {
            try scratch.queries.withUnsafeBufferPointer { (queries) throws(VectorIndexError) in
                try scratch.scores.withUnsafeMutableBufferPointer { (scores) throws(VectorIndexError) in
                    try scratch.ids.withUnsafeMutableBufferPointer { (ids) throws(VectorIndexError) in
                        try view.index.search(queries: queries, k: searchK, parameters: view.searchParameters, scores: scores, ids: ids)
                    }
                }
            }
        } catch {
            for entry in accepted { outcomes[entry.job] = failure(error, requestID: jobs[entry.job].requestID) }
            return outcomes
        }
        let withNames = lead.flags.contains(.includeNames)
        for entry in accepted {
            let job = jobs[entry.job]
            var results: [TopKResult] = []
            results.reserveCapacity(entry.count)
            // A huge but finite query vector can overflow float32 inner products: the request is
            // refused at its first non-finite kept score rather than answered with ±inf or NaN
            // (other jobs of the batch are unaffected).
            var overflow = false
            queries: for q in 0..<entry.count {
                var ids: [Int64] = []
                var scores: [Float] = []
                ids.reserveCapacity(k)
                scores.reserveCapacity(k)
                let own: Int64? = excludeQuery ? Self.queryKey(job, q) : nil
                let base = (entry.row + q) * searchK
                for j in base..<(base + searchK) where ids.count < k {
                    let id = scratch.ids[j]
                    if id < 0 || id == own || (extra > 0 && exclude.contains(id)) { continue }
                    guard scratch.scores[j].isFinite else { overflow = true; break queries }
                    ids.append(id)
                    scores.append(scratch.scores[j])
                }
                results.append(TopKResult(ids: ids, scores: scores,
                                          names: withNames ? names(of: ids, in: view, snapshot: job.snapshot) : nil))
            }
            guard !overflow else {
                outcomes[entry.job] = failure(Self.scoreOverflow, requestID: job.requestID)
                continue
            }
            let reply = TopKReply(results: results)
            outcomes[entry.job] = (Frame.encode(reply, flags: reply.flags, requestID: job.requestID,
                                                capacity: 16 + entry.count * (4 + 12 * k)), nil)
        }
        return outcomes
    }

    /// Validates one job and appends its query vectors to `queries`; returns its query count.
    /// On a failure nothing is appended.
    func gather(_ job: SearchJob, into queries: inout [Float]) throws(WireProtocolError) -> Int {
        let request = job.request
        guard let view = job.snapshot.view(named: request.view) else {
            throw WireProtocolError(.unknownView, "no view '\(request.view)' (views: \(job.snapshot.viewNames.joined(separator: ", ")))")
        }
        let k = Int(request.k)
        guard k >= 1, k <= maxK else { throw WireProtocolError(.invalidArgument, "k must be in 1...\(maxK), got \(k)") }
        let queryCount = request.queries.count
        guard queryCount >= 1, queryCount <= maxBatch else {
            throw WireProtocolError(.invalidArgument, "a request holds 1...\(maxBatch) queries, got \(queryCount)")
        }
        let dimension = view.dimension
        switch request.queries {
        case .ids(let ids):
            let start = queries.count
            for id in ids {
                guard view.keyMap.row(forKey: id) != nil, let vector = try? view.index.reconstruct(id: id) else {
                    queries.removeSubrange(start...)
                    throw WireProtocolError(.unknownItem, "item \(id) is not in view '\(view.name)'")
                }
                queries += vector
            }
        case .vectors(let d, let values):
            guard d == dimension else {
                throw WireProtocolError(.invalidArgument, "view '\(view.name)' has dimension \(dimension), query vectors have \(d)")
            }
            guard values.allSatisfy(\.isFinite) else {
                throw WireProtocolError(.invalidArgument, "query vectors contain NaN or infinity")
            }
            queries += values
        }
        return queryCount
    }

    /// The error of a request whose results would carry a non-finite score: its query vector is
    /// so large that an inner product overflows float32 (checked on the scores after the search,
    /// which is exact and cheap, rather than on a norm bound guessed before it).
    static let scoreOverflow = WireProtocolError(.invalidArgument, "query vector too large: scores overflow float32")

    private static func excludesQuery(_ job: SearchJob) -> Bool {
        guard job.flags.contains(.excludeQueryItems), case .ids = job.request.queries else { return false }
        return true
    }

    private static func queryKey(_ job: SearchJob, _ q: Int) -> Int64? {
        if case .ids(let ids) = job.request.queries { return ids[q] }
        return nil
    }

    private func failure(_ error: any Error, requestID: UInt64) -> Outcome {
        let failure = (error as? WireProtocolError) ?? WireProtocolError(.internalError, "\(error)")
        return (Frame.encode(ErrorReply(failure), requestID: requestID), failure.code)
    }

    /// External ids and display names; display names come from the item metadata for the `item`
    /// view and are the external id elsewhere.
    private func names(of ids: [Int64], in view: ServedView, snapshot: LoadedSnapshot) -> [ItemName] {
        ids.map { key in
            let external = view.keyMap.externalID(forKey: key) ?? String(key)
            let display = view.name == "item" ? (snapshot.item(externalID: external)?.displayName ?? external) : external
            return ItemName(externalID: external, displayName: display)
        }
    }
}
