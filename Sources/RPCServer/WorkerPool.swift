import VectorIndex
import WireProtocol

/// A fixed pool of search threads fed by a `JobQueue`. Each thread runs Faiss with one OpenMP
/// thread (parallelism comes from the pool, and OpenMP's thread count is per calling thread).
///
/// Micro-batching: a worker takes the next job plus every job already queued behind it with the
/// same `BatchKey` (up to `batchLimit`), and answers them with one Faiss call. It never waits for
/// more work to arrive, so an idle server answers a lone request as fast as before.
final class WorkerPool: Sendable {
    let jobs: JobQueue<SearchJob>
    private let threads: [NativeThread]

    /// Starts `count` workers that execute jobs and hand each reply to `deliver`. An idle worker
    /// polls the queue for `spinNanoseconds` before it sleeps (see `JobQueue`).
    /// Connections are served round-robin (one queue lane each), and a micro-batch holds at most
    /// `executor.maxBatch` queries beyond its first job.
    init(count: Int, executor: TopKExecutor, batchLimit: Int = 64, spinNanoseconds: UInt64 = 0,
         deliver: @escaping @Sendable (Completion) -> Void) {
        let jobs = JobQueue<SearchJob>(spinNanoseconds: spinNanoseconds) { $0.connectionID }
        let maxRows = max(1, executor.maxBatch)
        self.jobs = jobs
        let limit = max(1, batchLimit)
        threads = (0..<max(1, count)).map { index in
            NativeThread(name: "m2grl-search-\(index)") {
                VectorIndex.setOpenMPThreads(1)
                let scratch = SearchScratch()
                while true {
                    let batch = jobs.popBatch(limit: limit, maxCost: maxRows, cost: { $0.request.queries.count }, key: BatchKey.init)
                    if batch.isEmpty { break }
                    let outcomes = executor.execute(batch: batch, scratch: scratch)
                    for (job, outcome) in zip(batch, outcomes) {
                        deliver(Completion(connectionID: job.connectionID, requestType: .topK, bytes: outcome.bytes,
                                           error: outcome.error, receivedAt: job.receivedAt,
                                           queryCount: job.request.queries.count, reservedBytes: job.reservedBytes))
                    }
                }
            }
        }
    }

    /// Finishes queued jobs, then stops and joins every thread.
    func shutdown() {
        jobs.close()
        for thread in threads { thread.join() }
    }
}
