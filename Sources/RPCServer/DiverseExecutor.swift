import M2GRLDiversity
import Snapshot
import VectorIndex
import WireProtocol

/// A DIVERSE request handed from the I/O loop to a diversity worker, with the snapshot (and its
/// prepared catalogue) it was received under.
struct DiverseJob: Sendable {
    let connectionID: UInt64
    let requestID: UInt64
    let flags: FrameFlags
    let request: DiverseRequest
    /// Holding the snapshot keeps its indexes alive until this request ends.
    let snapshot: LoadedSnapshot
    let catalog: Result<DiverseCatalog, WireProtocolError>
    let receivedAt: UInt64
    /// Reply bytes reserved on the connection for this request (released on completion).
    var reservedBytes = 0
    /// Set when the connection closed: the job is skipped.
    var cancellation: CancellationFlag? = nil
}

/// Runs DIVERSE requests: trigger rows of `diversity.query` → mean projected row → query vector
/// `q = [2w_i·ū_i ; 2w_ic·ū_ic ; −w_i ; −w_ic]` → inner-product search of `diversity`, over-fetched and
/// refilled (fetch doubled) until k eligible items or the catalogue is exhausted.
///
/// With several triggers, `q·z_b = C − (w_i·mean_t d_i(t,b) + w_ic·mean_t d_ic(t,b))` because
/// `mean_t ||u_t − x||² = ||ū − x||² + const`: the ranking is exactly by the mean weighted distance.
struct DiverseExecutor: Sendable {
    let maxK: Int
    let maxTriggers: Int

    /// The complete reply frame (DIVERSE reply or ERROR) and the error code, if any.
    func execute(_ job: DiverseJob) -> (bytes: [UInt8], error: ErrorCode?) {
        if job.cancellation?.isCancelled == true { return ([], nil) } // nobody to answer
        do {
            let reply = try run(job.request, flags: job.flags, catalog: job.catalog.get(), snapshot: job.snapshot)
            return (Frame.encode(reply, flags: reply.flags, requestID: job.requestID, capacity: 16 + reply.results.count * 64), nil)
        } catch let error as WireProtocolError {
            return (Frame.encode(ErrorReply(error), requestID: job.requestID), error.code)
        } catch {
            let failure = WireProtocolError(.internalError, "\(error)")
            return (Frame.encode(ErrorReply(failure), requestID: job.requestID), failure.code)
        }
    }

    /// Validates and ranks; throws request-level `WireProtocolError`s.
    func run(_ request: DiverseRequest, flags: FrameFlags, catalog: DiverseCatalog, snapshot: LoadedSnapshot) throws -> DiverseReply {
        let k = Int(request.k)
        guard k >= 1, k <= maxK else { throw WireProtocolError(.invalidArgument, "k must be in 1...\(maxK), got \(k)") }
        guard !request.triggers.isEmpty, request.triggers.count <= maxTriggers else {
            throw WireProtocolError(.invalidArgument, "a request holds 1...\(maxTriggers) triggers, got \(request.triggers.count)")
        }
        guard request.itemWeight.isFinite, request.categoryWeight.isFinite else {
            throw WireProtocolError(.invalidArgument, "weights must be finite, got w_item \(request.itemWeight), w_category \(request.categoryWeight)")
        }
        let p = catalog.projectionDimension
        var triggerRows: [[Float]] = []
        var mean = [Float](repeating: 0, count: 2 * p)
        for key in request.triggers {
            guard catalog.query.keyMap.row(forKey: key) != nil, catalog.stored.keyMap.row(forKey: key) != nil else {
                throw WireProtocolError(.unknownItem, "trigger \(key) is not in the diversity model")
            }
            let row = try catalog.query.index.reconstruct(id: key)
            triggerRows.append(row)
            for j in 0..<(2 * p) { mean[j] += row[j] / Float(request.triggers.count) }
        }
        let weights = DiversityWeights(item: request.itemWeight, relational: request.categoryWeight)
        let q = try DiversityMetricModel.queryVector(fromProjected: mean, weights: weights)
        guard q.allSatisfy(\.isFinite) else {
            throw WireProtocolError(.invalidArgument, "weights too large: the query vector overflows")
        }
        let excludedKeys = Set(request.excludeItems).union(request.triggers)
        let excludedCategories = Set(request.excludeCategories.compactMap { catalog.categoryIDs[$0] })
        let n = catalog.stored.count
        var fetch = min(n, 2 * k + excludedKeys.count)
        var picked: [(key: Int64, row: Int, score: Float)] = []
        while true {
            picked.removeAll(keepingCapacity: true)
            let result = try catalog.stored.index.search(q, k: max(fetch, 1), parameters: catalog.stored.searchParameters)
            for j in 0..<result.k where picked.count < k {
                let key = result.ids[j]
                guard key >= 0, !excludedKeys.contains(key), let row = catalog.stored.keyMap.row(forKey: key) else { continue }
                if !excludedCategories.isEmpty && excludedCategories.contains(catalog.categoryOfRow[row]) { continue }
                picked.append((key, row, result.scores[j]))
            }
            if picked.count == k || fetch >= n { break }
            fetch = min(n, fetch * 2)
        }
        // Finite weights and triggers can still make a query vector whose inner products
        // overflow float32: refuse rather than answer ±inf or NaN scores.
        guard picked.allSatisfy({ $0.score.isFinite }) else { throw TopKExecutor.scoreOverflow }
        let withNames = flags.contains(.includeNames)
        var results: [DiverseResult] = []
        results.reserveCapacity(picked.count)
        for hit in picked {
            let z = try catalog.stored.index.reconstruct(id: hit.key)
            var di: Double = 0, dic: Double = 0
            for t in triggerRows {
                for j in 0..<p {
                    let a = Double(t[j] - z[j]), b = Double(t[p + j] - z[p + j])
                    di += a * a
                    dic += b * b
                }
            }
            let count = Double(triggerRows.count)
            var result = DiverseResult(key: hit.key, score: hit.score, itemDistance: Float(di / count),
                                       categoryDistance: Float(dic / count), category: catalog.category(ofRow: hit.row))
            if withNames {
                let external = catalog.stored.keyMap.externalIDs[hit.row]
                result.name = ItemName(externalID: external, displayName: snapshot.item(externalID: external)?.displayName ?? external)
            }
            results.append(result)
        }
        return DiverseReply(results: results)
    }
}
