import Snapshot
import WireProtocol

/// What decides whether queued TOPK jobs can be answered by one Faiss call: the same snapshot, view,
/// k, flags and query kind, and no per-request exclude list. Jobs with an exclude list get a key of
/// their own (their connection and request id), so they are always searched alone.
struct BatchKey: Hashable {
    let snapshot: ObjectIdentifier
    let view: String
    let k: UInt32
    let flags: FrameFlags
    let byID: Bool
    let connectionID: UInt64
    let requestID: UInt64

    init(_ job: SearchJob) {
        snapshot = ObjectIdentifier(job.snapshot)
        view = job.request.view
        k = job.request.k
        flags = job.flags
        if case .ids = job.request.queries { byID = true } else { byID = false }
        let alone = !job.request.exclude.isEmpty
        connectionID = alone ? job.connectionID : 0
        requestID = alone ? job.requestID : 0
    }
}

/// A worker thread's reusable search buffers: the gathered query vectors of a batch and Faiss'
/// result slots. They grow to the largest batch seen and are never shrunk, so steady-state
/// searches allocate nothing for vectors or results.
final class SearchScratch {
    var queries: [Float] = []
    var scores: [Float] = []
    var ids: [Int64] = []

    init(reservingFloats floats: Int = 64 * 256, results: Int = 256 * 16) {
        queries.reserveCapacity(floats)
        scores.reserveCapacity(results)
        ids.reserveCapacity(results)
    }

    /// Makes the result buffers hold at least `count` slots.
    func ensureResultCapacity(_ count: Int) {
        if scores.count < count {
            scores.append(contentsOf: repeatElement(-.infinity, count: count - scores.count))
            ids.append(contentsOf: repeatElement(-1, count: count - ids.count))
        }
    }
}
