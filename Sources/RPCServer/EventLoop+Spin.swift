#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibUV

/// Polling for completions: after the loop hands a TOPK to the workers it keeps an idle handle
/// active, so `uv_run` polls with a zero timeout instead of sleeping in `epoll_wait` and the worker's
/// `uv_async_send` is noticed without waking a sleeping thread. The window closes when no TOPK is out
/// or `loopSpinMicroseconds` after the last hand-off, whichever comes first.
extension EventLoop {
    /// Opens (or extends) the polling window after a hand-off to the workers.
    func startSpinning() {
        let window = UInt64(configuration.loopSpinMicroseconds) * 1_000
        guard window > 0, state != .closed else { return }
        spinUntil = max(spinUntil, monotonicNanoseconds() &+ window)
        resumeSpinning()
    }

    /// Opens (or extends) a polling window after inline replies, for the client's next request
    /// (`inline_spin_us`): it stays open for the whole window even with no TOPK out.
    func startSpinningForNextRequest() {
        let window = UInt64(configuration.inlineSpinMicroseconds) * 1_000
        guard window > 0, state != .closed else { return }
        let until = monotonicNanoseconds() &+ window
        idleSpinUntil = max(idleSpinUntil, until)
        spinUntil = max(spinUntil, until)
        resumeSpinning()
    }

    private func resumeSpinning() {
        guard !spinning else { return }
        spinning = true
        uv_idle_start(spinIdle) { idle in EventLoop.from(idle!.pointee.loop).spinTick() }
    }

    /// One pass of the polling loop: stop when nothing is out or the window closed, else give the
    /// CPU to any thread sharing this core (a worker, a local client) before polling again.
    private func spinTick() {
        let now = monotonicNanoseconds()
        if now >= spinUntil || (jobsOut <= 0 && now >= idleSpinUntil) {
            uv_idle_stop(spinIdle)
            spinning = false
            return
        }
        sched_yield()
    }
}
