import VectorIndex
import WireProtocol

/// A fixed pool of search threads fed by a `JobQueue`. Each thread runs Faiss with one OpenMP
/// thread (parallelism comes from the pool, and OpenMP's thread count is per calling thread).
final class WorkerPool: Sendable {
    let jobs = JobQueue<SearchJob>()
    private let threads: [NativeThread]

    /// Starts `count` workers that execute jobs and hand each reply to `deliver`.
    init(count: Int, executor: TopKExecutor, deliver: @escaping @Sendable (Completion) -> Void) {
        let jobs = self.jobs
        threads = (0..<max(1, count)).map { index in
            NativeThread(name: "m2grl-search-\(index)") {
                VectorIndex.setOpenMPThreads(1)
                while let job = jobs.pop() {
                    let (bytes, error) = executor.execute(job)
                    deliver(Completion(connectionID: job.connectionID, requestType: .topK, bytes: bytes, error: error,
                                       receivedAt: job.receivedAt, queryCount: job.request.queries.count))
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
