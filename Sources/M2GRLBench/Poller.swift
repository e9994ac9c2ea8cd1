internal import CBenchPoll
#if canImport(Glibc)
import Glibc
#endif

/// An `epoll` instance with one `timerfd` registered in it (token `timerToken`), for the
/// single-threaded open-loop driver. Closes both on deinit.
final class Poller {
    static let timerToken = UInt64.max
    let fd: Int32
    let timer: Int32
    /// The deadline the timer is armed for (0: disarmed).
    private(set) var armedAt: UInt64 = 0

    init() throws(BenchError) {
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw BenchError(.io, "epoll_create1: \(String(cString: strerror(errno)))") }
        timer = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        guard timer >= 0 else {
            close(fd)
            throw BenchError(.io, "timerfd_create: \(String(cString: strerror(errno)))")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = Self.timerToken
        guard epoll_ctl(fd, EPOLL_CTL_ADD, timer, &event) == 0 else {
            close(timer)
            close(fd)
            throw BenchError(.io, "epoll_ctl timerfd: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(timer)
        close(fd)
    }

    /// Watches `socket` for reads (and writes when `writes`), reporting it with `token`.
    func watch(_ socket: Int32, token: UInt64, writes: Bool, add: Bool) throws(BenchError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (writes ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token
        guard epoll_ctl(fd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event) == 0 else {
            throw BenchError(.io, "epoll_ctl: \(String(cString: strerror(errno)))")
        }
    }

    /// Stops watching `socket`.
    func unwatch(_ socket: Int32) throws(BenchError) {
        var event = epoll_event()
        guard epoll_ctl(fd, EPOLL_CTL_DEL, socket, &event) == 0 else {
            throw BenchError(.io, "epoll_ctl: \(String(cString: strerror(errno)))")
        }
    }

    /// Arms the timer to fire at monotonic time `deadline` (nanoseconds); 0 disarms it. Re-arming
    /// also clears a previous expiry, so the timer never needs reading. Arming for the deadline
    /// already set is free (no system call).
    func arm(at deadline: UInt64) throws(BenchError) {
        guard deadline != armedAt else { return }
        var spec = itimerspec()
        spec.it_value = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        guard timerfd_settime(timer, Int32(TFD_TIMER_ABSTIME), &spec, nil) == 0 else {
            throw BenchError(.io, "timerfd_settime: \(String(cString: strerror(errno)))")
        }
        armedAt = deadline
    }
}
