import VectorIndex
import WireProtocol

/// The threads that run DIVERSE requests, fed by their own `JobQueue` so the TOPK path
/// (and its batching) is untouched. Same shape as `WorkerPool`: one OpenMP thread per worker.
final class DiverseWorkerPool: Sendable {
    /// One lane per connection: connections are served round-robin.
    let jobs = JobQueue<DiverseJob> { $0.connectionID }
    private let threads: [NativeThread]

    /// Starts `count` workers that execute jobs and hand each reply to `deliver`.
    init(count: Int, executor: DiverseExecutor, deliver: @escaping @Sendable (Completion) -> Void) {
        let jobs = self.jobs
        threads = (0..<max(1, count)).map { index in
            NativeThread(name: "m2grl-diverse-\(index)") {
                VectorIndex.setOpenMPThreads(1)
                while let job = jobs.pop() {
                    let (bytes, error) = executor.execute(job)
                    deliver(Completion(connectionID: job.connectionID, requestType: .diverse, bytes: bytes, error: error,
                                       receivedAt: job.receivedAt, queryCount: job.request.triggers.count,
                                       reservedBytes: job.reservedBytes))
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
