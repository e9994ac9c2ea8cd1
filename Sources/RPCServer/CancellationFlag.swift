import Synchronization

/// Set when a connection closes, so the workers skip the requests it left queued instead of
/// searching for a peer that is gone (a client that pipelines heavy requests and disconnects
/// would otherwise keep the workers busy for everyone else). Shared by the loop and the workers.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    init() {}

    /// Whether the requests' connection has closed.
    var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Marks the connection closed (loop thread).
    func cancel() { flag.store(true, ordering: .releasing) }
}
