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
}

/// Runs TOPK requests against a snapshot and encodes the reply frame. Runs on worker threads.
struct TopKExecutor: Sendable {
    let maxK: Int
    let maxBatch: Int

    /// The complete reply frame (TOPK reply or ERROR) and the error code, if any.
    func execute(_ job: SearchJob) -> (bytes: [UInt8], error: ErrorCode?) {
        do {
            let reply = try search(job.request, flags: job.flags, in: job.snapshot)
            return (Frame.encode(reply, flags: reply.flags, requestID: job.requestID,
                                 capacity: 16 + reply.results.count * (4 + 12 * Int(job.request.k))), nil)
        } catch let error as WireProtocolError {
            return (Frame.encode(ErrorReply(error), requestID: job.requestID), error.code)
        } catch {
            let failure = WireProtocolError(.internalError, "\(error)")
            return (Frame.encode(ErrorReply(failure), requestID: job.requestID), failure.code)
        }
    }

    /// Validates and searches; throws request-level `WireProtocolError`s.
    func search(_ request: TopKRequest, flags: FrameFlags, in snapshot: LoadedSnapshot) throws -> TopKReply {
        guard let view = snapshot.view(named: request.view) else {
            throw WireProtocolError(.unknownView, "no view '\(request.view)' (views: \(snapshot.viewNames.joined(separator: ", ")))")
        }
        let k = Int(request.k)
        guard k >= 1, k <= maxK else { throw WireProtocolError(.invalidArgument, "k must be in 1...\(maxK), got \(k)") }
        let queryCount = request.queries.count
        guard queryCount >= 1, queryCount <= maxBatch else {
            throw WireProtocolError(.invalidArgument, "a request holds 1...\(maxBatch) queries, got \(queryCount)")
        }
        let dimension = view.dimension
        var vectors: [Float]
        var queryKeys: [Int64] = []
        switch request.queries {
        case .ids(let ids):
            vectors = []
            vectors.reserveCapacity(ids.count * dimension)
            for id in ids {
                guard view.keyMap.row(forKey: id) != nil else {
                    throw WireProtocolError(.unknownItem, "item \(id) is not in view '\(view.name)'")
                }
                vectors += try view.index.reconstruct(id: id)
            }
            queryKeys = ids
        case .vectors(let d, let values):
            guard d == dimension else {
                throw WireProtocolError(.invalidArgument, "view '\(view.name)' has dimension \(dimension), query vectors have \(d)")
            }
            guard values.allSatisfy(\.isFinite) else {
                throw WireProtocolError(.invalidArgument, "query vectors contain NaN or infinity")
            }
            vectors = values
        }
        let excludeQuery = flags.contains(.excludeQueryItems) && !queryKeys.isEmpty
        let exclude = Set(request.exclude)
        let extra = exclude.count + (excludeQuery ? 1 : 0)
        let searchK = min(k + extra, max(view.count, 1))
        let result = try view.index.search(vectors, k: searchK, parameters: view.searchParameters)
        let withNames = flags.contains(.includeNames)
        var results: [TopKResult] = []
        results.reserveCapacity(queryCount)
        for q in 0..<queryCount {
            var ids: [Int64] = []
            var scores: [Float] = []
            ids.reserveCapacity(k)
            scores.reserveCapacity(k)
            let own = excludeQuery ? queryKeys[q] : nil
            for j in (q * result.k)..<((q + 1) * result.k) where ids.count < k {
                let id = result.ids[j]
                if id < 0 || id == own || (extra > 0 && exclude.contains(id)) { continue }
                ids.append(id)
                scores.append(result.scores[j])
            }
            results.append(TopKResult(ids: ids, scores: scores, names: withNames ? names(of: ids, in: view, snapshot: snapshot) : nil))
        }
        return TopKReply(results: results)
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
