import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cooperative interruption of long data jobs. `Interruption.process` is set by the SIGINT handler
/// (the first Ctrl-C); readers and writers check their flag between chunks, then stop with an
/// `interrupted` error and remove partial output. A second Ctrl-C terminates the default way.
/// Jobs take the flag as a parameter (default: the process flag), so tests can use their own.
public final class Interruption: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Checks made so far, and (tests only) after how many checks to request an interruption.
    private let checks = Atomic<Int>(0)
    private let requestAfterChecks: Int?

    public init() { requestAfterChecks = nil }

    /// A flag that requests itself at its `count`-th check: lets tests stop a job at every point
    /// where it checks, deterministically.
    init(requestAfterChecks count: Int) { requestAfterChecks = count }

    /// How many times `check()` ran (tests use it to see that long loops check).
    var checksMade: Int { checks.load(ordering: .relaxed) }

    /// The process-wide flag the SIGINT handler sets.
    public static let process = Interruption()

    /// Installs the SIGINT handler (idempotent).
    public static func installHandler() {
        signal(SIGINT) { _ in
            // Only async-signal-safe work here: a lock-free store and restoring the default action.
            Interruption.process.flag.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Whether an interruption was requested.
    public var requested: Bool { flag.load(ordering: .relaxed) }

    /// Requests an interruption.
    public func request() { flag.store(true, ordering: .relaxed) }

    /// Throws `DataError(.interrupted)` when an interruption was requested.
    public func check() throws {
        let made = checks.add(1, ordering: .relaxed).newValue
        if let requestAfterChecks, made >= requestAfterChecks { request() }
        if requested { throw DataError(.interrupted, "interrupted (SIGINT); no partial output was kept") }
    }
}
