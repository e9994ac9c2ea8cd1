#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking multi-producer multi-consumer FIFO for worker threads.
///
/// Producers (the I/O loop) never block beyond the mutex; consumers sleep on a condition variable.
/// `popBatch` hands a worker every queued job that shares a key with the first one, up to a limit,
/// so same-view queries can later be searched as one Faiss batch.
final class JobQueue<Job>: @unchecked Sendable {
    // @unchecked Sendable: `items`, `head` and `closed` are only read or written while holding
    // `mutex`; the pthread objects are heap-allocated once and destroyed in deinit.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Job?] = []
    private var head = 0
    private var closed = false

    init() {
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
        pthread_mutex_unlock(mutex)
        pthread_cond_signal(condition)
        return true
    }

    /// Blocks until a job is available (returns it) or the queue is closed and empty (returns nil).
    func pop() -> Job? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == items.count && !closed { pthread_cond_wait(condition, mutex) }
        return takeFirst()
    }

    /// Blocks like `pop`, then also takes up to `limit - 1` further queued jobs whose `key` equals the
    /// first job's (in queue order; other jobs keep their places).
    func popBatch<Key: Equatable>(limit: Int, key: (Job) -> Key) -> [Job] {
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
        pthread_mutex_unlock(mutex)
        pthread_cond_broadcast(condition)
    }

    private func takeFirst() -> Job? {
        while head < items.count {
            let job = items[head]
            items[head] = nil
            head += 1
            if head == items.count || head >= 1024 {
                items.removeSubrange(0..<head)
                head = 0
            }
            if let job { return job }
        }
        return nil
    }
}
