import Foundation
internal import CBenchPoll
#if canImport(Glibc)
import Glibc
#endif

/// The single-threaded open-loop driver: all connections on one thread, non-blocking sockets and
/// `epoll`. Each turn sends every request whose due time has come (several due requests of one
/// connection leave in one write; each still counts its latency from its own due time), reads
/// every reply available, and sleeps in `epoll_wait` until the next due time, woken by a
/// `timerfd` (exact, unlike sleep timeouts which get 50 µs of timer slack).
struct EpollOpenLoop {
    /// Per-connection state of a run.
    struct Lane {
        let connection: any PollableConnection
        let count: Int
        var sent = 0
        var received = 0
        var output: [UInt8] = []
        var written = 0
        var watchingWrites = false
    }

    let workload: BenchWorkload
    let schedule: OpenLoopSchedule
    let seconds: Double
    let spinNanos: UInt64
    /// Fail when no reply arrives for this long while replies are outstanding.
    let replyTimeoutNanos: UInt64

    func run(_ connections: [any LoadConnection]) throws(BenchError) -> LoadResult {
        guard connections.count == schedule.senders else {
            throw BenchError(.invalidArgument, "open loop needs one connection per sender (\(schedule.senders)), got \(connections.count)")
        }
        var lanes: [Lane] = []
        for (s, c) in connections.enumerated() {
            guard let pollable = c as? any PollableConnection else {
                throw BenchError(.invalidArgument, "the epoll open-loop driver cannot run \(type(of: c)); use the threads driver")
            }
            lanes.append(Lane(connection: pollable, count: schedule.requestCount(sender: s, seconds: seconds)))
        }
        let poller = try Poller()
        var savedFlags: [Int32] = []
        defer {
            for (lane, flags) in zip(lanes, savedFlags) { _ = fcntl(lane.connection.descriptor, F_SETFL, flags) }
        }
        for (s, lane) in lanes.enumerated() {
            let fd = lane.connection.descriptor
            let flags = fcntl(fd, F_GETFL)
            savedFlags.append(flags)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            try poller.watch(fd, token: UInt64(s), writes: false, add: true)
        }
        var result = LoadResult(ops: workload.ops)
        let total = lanes.reduce(0) { $0 + $1.count }
        var outstanding = total
        var slot = 0 // the next global schedule slot: sender slot % N, index slot / N
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var events = [epoll_event](repeating: epoll_event(), count: lanes.count + 1)
        let n = schedule.senders
        let start = monotonicNanos() + 2_000_000
        var lastProgress = start
        func due(_ s: Int, _ j: Int) -> UInt64 { start + schedule.offset(sender: s, index: j) }

        var dirty: [Int] = []
        dirty.reserveCapacity(n)
        while outstanding > 0 {
            // Send everything due.
            var now = monotonicNanos()
            dirty.removeAll(keepingCapacity: true)
            while slot < total, due(slot % n, slot / n) <= now {
                let s = slot % n, j = slot / n
                slot += 1
                guard j < lanes[s].count else { continue }
                result.sendLag.record(now &- due(s, j))
                let frame = workload.request(j * n + s).frame
                if lanes[s].output.isEmpty { dirty.append(s) }
                lanes[s].connection.append(frame, sequence: UInt64(j + 1), to: &lanes[s].output)
                lanes[s].sent += 1
            }
            for s in dirty { try flush(&lanes[s], token: s, poller: poller) }
            // Sleep until the next due time (or the reply timeout), unless it is within the spin window.
            var timeout: Int32 = -1
            if slot < total {
                let next = due(slot % n, slot / n)
                now = monotonicNanos()
                if next <= now + spinNanos { timeout = 0 } else { try poller.arm(at: next - spinNanos) }
            } else {
                try poller.arm(at: 0)
                let waited = monotonicNanos() &- lastProgress
                guard waited < replyTimeoutNanos else {
                    throw BenchError(.connection, "no reply within \(replyTimeoutNanos / 1_000_000) ms (\(outstanding) outstanding)")
                }
                timeout = Int32(min(1000, (replyTimeoutNanos - waited) / 1_000_000 + 1))
            }
            let ready = events.withUnsafeMutableBufferPointer { epoll_wait(poller.fd, $0.baseAddress, Int32($0.count), timeout) }
            if ready < 0 {
                if errno == EINTR { continue }
                throw BenchError(.io, "epoll_wait: \(String(cString: strerror(errno)))")
            }
            for e in 0..<Int(ready) {
                let token = events[e].data.u64
                if token == Poller.timerToken { continue }
                let s = Int(token)
                if events[e].events & EPOLLOUT.rawValue != 0 { try flush(&lanes[s], token: s, poller: poller) }
                guard events[e].events & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else { continue }
                let got = try receive(&lanes[s], sender: s, buffer: &buffer, start: start, poller: poller, into: &result)
                outstanding -= got
                if got > 0 { lastProgress = monotonicNanos() }
            }
        }
        result.completed = total
        result.seconds = Double(monotonicNanos() - start) / 1e9
        return result
    }

    /// Writes as much pending output as the socket takes; watches writability while some is left.
    private func flush(_ lane: inout Lane, token: Int, poller: Poller) throws(BenchError) {
        let fd = lane.connection.descriptor
        while lane.written < lane.output.count {
            let w = lane.output.withUnsafeBytes { send(fd, $0.baseAddress! + lane.written, $0.count - lane.written, Int32(MSG_NOSIGNAL)) }
            if w < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                throw BenchError(.connection, "send: \(String(cString: strerror(errno)))")
            }
            lane.written += w
        }
        let pending = lane.written < lane.output.count
        if !pending {
            lane.output.removeAll(keepingCapacity: true)
            lane.written = 0
        }
        if pending != lane.watchingWrites {
            try poller.watch(fd, token: UInt64(token), writes: pending, add: false)
            lane.watchingWrites = pending
        }
    }

    /// Reads everything available on one connection and records its replies; returns how many.
    private func receive(_ lane: inout Lane, sender s: Int, buffer: inout [UInt8], start: UInt64, poller: Poller,
                         into result: inout LoadResult) throws(BenchError) -> Int {
        let fd = lane.connection.descriptor
        var got = 0
        while true {
            let r = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if r < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                throw BenchError(.connection, "recv: \(String(cString: strerror(errno)))")
            }
            if r == 0 {
                // A connection closed after its last reply is done, not failed: stop watching it.
                guard lane.received == lane.count else {
                    throw BenchError(.connection, "server closed the connection with \(lane.count - lane.received) replies outstanding")
                }
                try poller.unwatch(fd)
                break
            }
            buffer.withUnsafeBytes { lane.connection.absorb(UnsafeRawBufferPointer(rebasing: $0[0..<r])) }
            let now = monotonicNanos()
            while let reply = try lane.connection.bufferedReply() {
                let j = Int(truncatingIfNeeded: reply.sequence) - 1
                guard j >= 0, j < lane.sent else { throw BenchError(.protocolViolation, "reply to unknown request \(reply.sequence)") }
                let dueAt = start + schedule.offset(sender: s, index: j)
                result.latency[workload.request(j * schedule.senders + s).slot].record(now &- dueAt)
                if reply.isError { result.errors += 1 }
                lane.received += 1
                got += 1
            }
            if r < buffer.count { break }
        }
        guard lane.received <= lane.count else { throw BenchError(.protocolViolation, "more replies than requests") }
        return got
    }
}
