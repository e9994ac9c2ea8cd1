#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A blocking multi-producer multi-consumer FIFO for worker threads.
///
/// Producers (the I/O loop) never block beyond the mutex; consumers sleep on a condition variable.
/// `popBatch` hands a worker every queued job that shares a key with the first one, up to a limit,
/// so same-view queries can later be searched as one Faiss batch.
///
/// Spin-then-block: with `spinNanoseconds > 0` an idle consumer first polls an atomic count of
/// queued jobs (yielding the CPU between polls) for up to that long before sleeping on the condition
/// variable, so a job pushed soon after the previous one is picked up without a futex wake-up.
final class JobQueue<Job>: @unchecked Sendable {
    // @unchecked Sendable: `items`, `head` and `closed` are only read or written while holding
    // `mutex`; the pthread objects are heap-allocated once and destroyed in deinit.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Job?] = []
    private var head = 0
    private var closed = false
    /// Queued jobs not yet taken, readable without the mutex (written under it).
    private let available = Atomic<Int>(0)
    /// Set by `close()`, readable without the mutex so spinning consumers stop at once.
    private let closing = Atomic<Bool>(false)
    /// How long an idle consumer polls before blocking; 0 blocks at once.
    let spinNanoseconds: UInt64

    /// Creates a queue whose idle consumers poll for up to `spinNanoseconds` before sleeping.
    init(spinNanoseconds: UInt64 = 0) {
        self.spinNanoseconds = spinNanoseconds
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
        return items.count - head
    }

    /// Enqueues a job; returns false if the queue is closed.
    @discardableResult
    func push(_ job: Job) -> Bool {
        pthread_mutex_lock(mutex)
        guard !closed else {
            pthread_mutex_unlock(mutex)
            return false
        }
        items.append(job)
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
        while head == items.count && !closed { pthread_cond_wait(condition, mutex) }
        return takeFirst()
    }

    /// Blocks like `pop`, then also takes up to `limit - 1` further queued jobs whose `key` equals the
    /// first job's (in queue order; other jobs keep their places).
    func popBatch<Key: Equatable>(limit: Int, key: (Job) -> Key) -> [Job] {
        spinUntilAvailable()
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == items.count && !closed { pthread_cond_wait(condition, mutex) }
        guard let first = takeFirst() else { return [] }
        var batch = [first]
        let firstKey = key(first)
        var index = head
        while batch.count < limit && index < items.count {
            if let job = items[index], key(job) == firstKey {
                batch.append(job)
                items[index] = nil
                available.subtract(1, ordering: .relaxed)
            }
            index += 1
        }
        while head < items.count && items[head] == nil { head += 1 }
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

    private func takeFirst() -> Job? {
        while head < items.count {
            let job = items[head]
            items[head] = nil
            head += 1
            if job != nil { available.subtract(1, ordering: .relaxed) }
            if head == items.count || head >= 1024 {
                items.removeSubrange(0..<head)
                head = 0
            }
            if let job { return job }
        }
        return nil
    }
}
