#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibUV

/// A joinable native thread running a closure.
struct NativeThread: Sendable {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private let id: pthread_t

    /// Starts a thread. `name` documents its role at the call site (Glibc's module does not
    /// export `pthread_setname_np`).
    init(name: String, body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(status == 0, "pthread_create failed: \(status)")
        id = thread
    }

    /// Waits for the thread to finish.
    func join() { pthread_join(id, nil) }

    /// Lets the thread release its resources on exit without being joined.
    func detach() { pthread_detach(id) }
}

/// Monotonic nanoseconds (libuv's high-resolution clock).
@inline(__always)
func monotonicNanoseconds() -> UInt64 { uv_hrtime() }
