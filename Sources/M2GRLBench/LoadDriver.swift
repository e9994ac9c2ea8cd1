import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What one load run measured: latency histograms per op (nanoseconds), client send lag (open
/// loop), and counts.
public struct LoadResult: Sendable {
    public var ops: [BenchOp]
    public var latency: [LogLinearHistogram]
    public var sendLag = LogLinearHistogram()
    public var completed = 0
    public var errors = 0
    public var notSent = 0
    public var seconds = 0.0
    /// The open-loop driver that produced this result (nil for closed loop).
    public var driver: OpenLoopDriver?
    /// CPU seconds the client process spent in the open-loop run (all its threads).
    public var clientCPUSeconds: Double?

    init(ops: [BenchOp]) {
        self.ops = ops
        latency = ops.map { _ in LogLinearHistogram() }
    }

    /// All ops together.
    public var overall: LogLinearHistogram { latency.reduce(into: LogLinearHistogram()) { $0.merge($1) } }
    public var qps: Double { seconds > 0 ? Double(completed) / seconds : 0 }

    mutating func merge(_ other: LoadResult) {
        for i in latency.indices { latency[i].merge(other.latency[i]) }
        sendLag.merge(other.sendLag)
        completed += other.completed
        errors += other.errors
        notSent += other.notSent
    }
}

/// Monotonic clock in nanoseconds.
@inline(__always) public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Drives connections in closed loop (each connection keeps `pipeline` requests in flight) or open
/// loop (requests leave at scheduled times whatever the replies do). Closed loop: one thread per
/// connection. Open loop: one thread for all connections (epoll) or two per connection (threads).
public enum LoadDriver {
    /// Closed loop for `seconds` (or until `maxRequests` were sent in all).
    public static func closedLoop(_ connections: [any LoadConnection], workload: BenchWorkload, pipeline: Int,
                                  seconds: Double, maxRequests: Int? = nil) throws(BenchError) -> LoadResult {
        let start = monotonicNanos()
        let deadline = start + UInt64(seconds * 1e9)
        let perConnection = maxRequests.map { ($0 + connections.count - 1) / connections.count }
        let results = try runThreads(connections.count) { (s) throws(BenchError) -> LoadResult in
            let connection = connections[s]
            var result = LoadResult(ops: workload.ops)
            let ringSize = 1 << 16
            var sentAt = [UInt64](repeating: 0, count: ringSize)
            var slotOf = [Int](repeating: 0, count: ringSize)
            var sent = 0, inFlight = 0
            func sendMore() throws(BenchError) {
                while inFlight < max(1, pipeline), monotonicNanos() < deadline, sent < (perConnection ?? .max) {
                    let (slot, frame) = workload.request(sent * connections.count + s)
                    let id = UInt64(sent + 1)
                    sentAt[Int(id) & (ringSize - 1)] = monotonicNanos()
                    slotOf[Int(id) & (ringSize - 1)] = slot
                    try connection.send(frame, sequence: id)
                    sent += 1
                    inFlight += 1
                }
            }
            try sendMore()
            while inFlight > 0 {
                let reply = try connection.receiveReply()
                let now = monotonicNanos()
                let ring = Int(reply.sequence) & (ringSize - 1)
                guard reply.sequence >= 1, reply.sequence <= UInt64(sent) else {
                    throw BenchError(.protocolViolation, "reply to unknown request \(reply.sequence)")
                }
                result.latency[slotOf[ring]].record(now &- sentAt[ring])
                if reply.isError { result.errors += 1 }
                result.completed += 1
                inFlight -= 1
                try sendMore()
            }
            return result
        }
        var total = LoadResult(ops: workload.ops)
        for r in results { total.merge(r) }
        total.seconds = Double(monotonicNanos() - start) / 1e9
        return total
    }

    /// Open loop: `schedule` decides when each request is due; latency counts from that time.
    /// `driver` picks one thread for all connections (`epoll`, the default) or two per connection
    /// (`threads`); `replyTimeout` bounds the wait for outstanding replies (epoll driver).
    public static func openLoop(_ connections: [any LoadConnection], workload: BenchWorkload, schedule: OpenLoopSchedule,
                                seconds: Double, driver: OpenLoopDriver = .epoll, replyTimeout: Double = 30) throws(BenchError) -> LoadResult {
        var result: LoadResult
        let cpuBefore = processCPUNanos()
        switch driver {
        case .threads:
            result = try openLoopThreads(connections, workload: workload, schedule: schedule, seconds: seconds)
        case .epoll, .epollSpin:
            let loop = EpollOpenLoop(workload: workload, schedule: schedule, seconds: seconds, spinNanos: driver.spinNanos,
                                     replyTimeoutNanos: UInt64(max(0.001, replyTimeout) * 1e9))
            result = try loop.run(connections)
        }
        result.driver = driver
        result.clientCPUSeconds = Double(processCPUNanos() &- cpuBefore) / 1e9
        return result
    }

    /// CPU time of this process (all threads) in nanoseconds.
    static func processCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// The threaded open loop: a sender thread sleeping until each due time plus a blocking
    /// receiver thread, per connection.
    static func openLoopThreads(_ connections: [any LoadConnection], workload: BenchWorkload, schedule: OpenLoopSchedule,
                                seconds: Double) throws(BenchError) -> LoadResult {
        let start = monotonicNanos() + 20_000_000 // 20 ms for every thread to get ready
        let results = try runThreads(connections.count) { (s) throws(BenchError) -> LoadResult in
            let connection = connections[s]
            let count = schedule.requestCount(sender: s, seconds: seconds)
            let lag = Mutex(LogLinearHistogram())
            let failure = Mutex<BenchError?>(nil)
            let sender = Thread {
                var histogram = LogLinearHistogram()
                for j in 0..<count {
                    let due = start + schedule.offset(sender: s, index: j)
                    sleep(until: due)
                    let (_, frame) = workload.request(j * schedule.senders + s)
                    histogram.record(monotonicNanos() &- due)
                    do throws(BenchError) { try connection.send(frame, sequence: UInt64(j + 1)) } catch {
                        failure.withLock { $0 = error }
                        connection.shutdownBoth()
                        break
                    }
                }
                lag.withLock { $0 = histogram }
            }
            sender.start()
            var result = LoadResult(ops: workload.ops)
            var received = 0
            while received < count {
                let reply: LoadReply
                do throws(BenchError) { reply = try connection.receiveReply() } catch {
                    if let sendError = failure.withLock({ $0 }) { throw sendError }
                    throw error
                }
                let now = monotonicNanos()
                let j = Int(reply.sequence) - 1
                guard j >= 0, j < count else { throw BenchError(.protocolViolation, "reply to unknown request \(reply.sequence)") }
                let due = start + schedule.offset(sender: s, index: j)
                result.latency[workload.request(j * schedule.senders + s).slot].record(now &- due)
                if reply.isError { result.errors += 1 }
                received += 1
            }
            result.completed = received
            while !sender.isFinished { usleep(1000) }
            result.sendLag = lag.withLock { $0 }
            return result
        }
        var total = LoadResult(ops: workload.ops)
        for r in results { total.merge(r) }
        total.seconds = Double(monotonicNanos() - start) / 1e9
        return total
    }

    /// Sleeps until the monotonic clock reaches `deadline` (nanoseconds).
    static func sleep(until deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }

    /// Runs `body(0..<count)` on `count` threads and returns their results in order; the first error wins.
    static func runThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws(BenchError) -> T) throws(BenchError) -> [T] {
        let outcomes = Mutex<[Int: Result<T, BenchError>]>([:])
        let done = DispatchSemaphore(value: 0)
        for i in 0..<count {
            Thread {
                let outcome: Result<T, BenchError>
                do throws(BenchError) { outcome = .success(try body(i)) } catch { outcome = .failure(error) }
                outcomes.withLock { $0[i] = outcome }
                done.signal()
            }.start()
        }
        for _ in 0..<count { done.wait() }
        return try outcomes.withLock { (all) throws(BenchError) -> [T] in
            var ordered: [T] = []
            for i in 0..<count { ordered.append(try all[i]!.get()) }
            return ordered
        }
    }
}
