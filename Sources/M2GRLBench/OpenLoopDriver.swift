/// Which implementation drives an open-loop run. Both keep the same schedule, histograms and
/// `LoadResult`; they differ in how many client threads compete with the server for the cores.
public enum OpenLoopDriver: String, Sendable, CaseIterable {
    /// One thread for all connections: non-blocking sockets and `epoll`, woken at each due time
    /// by a `timerfd` (no timer slack).
    case epoll
    /// As `epoll`, but the timer fires 50 µs early and the thread spins (polling replies) until
    /// the due time: lower send lag, more CPU.
    case epollSpin = "epoll-spin"
    /// Two threads per connection: a sender sleeping until each due time and a blocking receiver.
    case threads

    /// Nanoseconds before a due time at which the epoll driver stops sleeping and spins.
    var spinNanos: UInt64 { self == .epollSpin ? 50_000 : 0 }
}
