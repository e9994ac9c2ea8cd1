#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A blocking multi-producer multi-consumer queue for worker threads, fair across lanes.
///
/// Producers (the I/O loop) never block beyond the mutex; consumers sleep on a condition variable.
/// Jobs are grouped in lanes (the server uses one lane per connection): consumers take the lanes'
/// oldest jobs in round-robin order, so a client that pipelines hundreds of expensive requests
/// delays another client's request by at most one micro-batch per worker, not by its whole
/// backlog (a micro-batch, see `popBatch`, may hold several of that client's same-key jobs).
/// Within a lane the order is FIFO; with a single lane (the default) the queue is a plain FIFO.
///
/// `popBatch` hands a worker the next job plus queued jobs (any lane, round-robin order) that share
/// its key, up to a job limit and a cost limit, so same-view queries can be searched as one Faiss
/// batch without one batch growing into a long search that everyone in it waits for.
///
/// Spin-then-block: with `spinNanoseconds > 0` an idle consumer first polls an atomic count of
/// queued jobs (yielding the CPU between polls) for up to that long before sleeping on the condition
/// variable, so a job pushed soon after the previous one is picked up without a futex wake-up.
final class JobQueue<Job>: @unchecked Sendable {
    // @unchecked Sendable: `lanes`, `ring`, `cursor` and `closed` are only read or written
    // while holding `mutex`; the pthread objects are heap-allocated once and destroyed in deinit;
    // `laneOf` is a pure function of the job (required `@Sendable`).
    private struct Lane {
        var jobs: [Job?] = []
        var head = 0
        /// Jobs not yet taken (batching can take jobs behind the head).
        var count = 0
    }

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var lanes: [UInt64: Lane] = [:]
    /// Lanes with queued jobs, in service order; `cursor` is the lane served next.
    private var ring: [UInt64] = []
    private var cursor = 0
    /// Jobs queued over all lanes (`available`, read under the mutex where every change happens).
    private var queued: Int { available.load(ordering: .relaxed) }
    private var closed = false
    private let laneOf: @Sendable (Job) -> UInt64
    /// Queued jobs not yet taken, readable without the mutex (written under it).
    private let available = Atomic<Int>(0)
    /// Set by `close()`, readable without the mutex so spinning consumers stop at once.
    private let closing = Atomic<Bool>(false)
    /// How long an idle consumer polls before blocking; 0 blocks at once.
    let spinNanoseconds: UInt64

    /// Creates a queue whose idle consumers poll for up to `spinNanoseconds` before sleeping, and
    /// whose jobs are served round-robin across the lanes `lane` assigns (default: one FIFO lane).
    init(spinNanoseconds: UInt64 = 0, lane: @escaping @Sendable (Job) -> UInt64 = { _ in 0 }) {
        self.spinNanoseconds = spinNanoseconds
        self.laneOf = lane
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Queued jobs not yet taken.
    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return queued
    }

    /// Enqueues a job; returns false if the queue is closed.
    @discardableResult
    func push(_ job: Job) -> Bool {
        pthread_mutex_lock(mutex)
        guard !closed else {
            pthread_mutex_unlock(mutex)
            return false
        }
        let id = laneOf(job)
        if lanes[id] == nil {
            lanes[id] = Lane()
            ring.append(id)
        }
        lanes[id]!.jobs.append(job)
        lanes[id]!.count += 1
        available.add(1, ordering: .releasing)
        pthread_mutex_unlock(mutex)
        pthread_cond_signal(condition)
        return true
    }

    /// Blocks until a job is available (returns it) or the queue is closed and empty (returns nil).
    func pop() -> Job? {
        spinUntilAvailable()
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while queued == 0 && !closed { pthread_cond_wait(condition, mutex) }
        return takeNext()
    }

    /// Blocks like `pop`, then also takes further queued jobs whose `key` equals the first job's
    /// (lanes in round-robin order, each lane in order; other jobs keep their places), as long as the
    /// batch stays within `limit` jobs and, after the first job, within `maxCost` total `cost`.
    func popBatch<Key: Equatable>(limit: Int, maxCost: Int = .max, cost: (Job) -> Int = { _ in 1 },
                                  key: (Job) -> Key) -> [Job] {
        spinUntilAvailable()
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while queued == 0 && !closed { pthread_cond_wait(condition, mutex) }
        guard let first = takeNext() else { return [] }
        var batch = [first]
        var total = cost(first)
        let firstKey = key(first)
        var emptied: [UInt64] = []
        var offset = 0
        scan: while offset < ring.count && batch.count < limit && total < maxCost {
            let id = ring[(cursor + offset) % ring.count]
            offset += 1
            var index = lanes[id]!.head
            while index < lanes[id]!.jobs.count {
                guard batch.count < limit, total < maxCost else { break scan }
                if let job = lanes[id]!.jobs[index], key(job) == firstKey, total + cost(job) <= maxCost {
                    batch.append(job)
                    total += cost(job)
                    lanes[id]!.jobs[index] = nil
                    lanes[id]!.count -= 1
                    available.subtract(1, ordering: .relaxed)
                }
                index += 1
            }
            if lanes[id]!.count == 0 { emptied.append(id) }
        }
        for id in emptied { removeLane(id) }
        return batch
    }

    /// Wakes every waiting consumer; queued jobs are still handed out, then `pop` returns nil.
    func close() {
        pthread_mutex_lock(mutex)
        closed = true
        closing.store(true, ordering: .releasing)
        pthread_mutex_unlock(mutex)
        pthread_cond_broadcast(condition)
    }

    /// Polls for a queued job for up to `spinNanoseconds` (no-op when 0 or when work is already
    /// queued); the caller then takes the mutex as usual, blocking only if the job was taken by another.
    private func spinUntilAvailable() {
        guard spinNanoseconds > 0, available.load(ordering: .acquiring) == 0 else { return }
        let deadline = monotonicNanoseconds() &+ spinNanoseconds
        var polls = 0
        while available.load(ordering: .acquiring) == 0 && !closing.load(ordering: .acquiring) {
            polls += 1
            // Check the clock every few polls; yield so a thread sharing this core (the I/O loop,
            // a client) is not starved by the spin.
            if polls & 7 == 0 && monotonicNanoseconds() >= deadline { return }
            sched_yield()
        }
    }

    /// The oldest job of the lane whose turn it is; the next call serves the following lane.
    private func takeNext() -> Job? {
        while !ring.isEmpty {
            if cursor >= ring.count { cursor = 0 }
            let id = ring[cursor]
            var job: Job?
            while job == nil && lanes[id]!.head < lanes[id]!.jobs.count {
                job = lanes[id]!.jobs[lanes[id]!.head]
                lanes[id]!.jobs[lanes[id]!.head] = nil
                lanes[id]!.head += 1
            }
            if let job {
                lanes[id]!.count -= 1
                available.subtract(1, ordering: .relaxed)
                if lanes[id]!.count == 0 {
                    removeLane(id) // the cursor now points at the following lane
                } else {
                    if lanes[id]!.head >= 1024 {
                        lanes[id]!.jobs.removeSubrange(0..<lanes[id]!.head)
                        lanes[id]!.head = 0
                    }
                    cursor += 1
                }
                return job
            }
            removeLane(id) // only taken slots were left
        }
        return nil
    }

    private func removeLane(_ id: UInt64) {
        lanes[id] = nil
        guard let index = ring.firstIndex(of: id) else { return }
        ring.remove(at: index)
        if index < cursor { cursor -= 1 }
        if cursor >= ring.count { cursor = 0 }
    }
}
