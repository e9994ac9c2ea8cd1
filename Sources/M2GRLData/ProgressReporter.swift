import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints a throttled progress line to standard error: events, events/s, bytes and ETA.
public final class ProgressReporter: Sendable {
    private struct State {
        var lastPrint: ContinuousClock.Instant
        var printed = false
    }

    private let label: String
    private let interval: Duration
    private let started: ContinuousClock.Instant
    private let state: Mutex<State>

    /// `label` prefixes each line; lines are printed at most once per `interval`.
    public init(label: String, interval: Duration = .seconds(1)) {
        self.label = label
        self.interval = interval
        let now = ContinuousClock.now
        self.started = now
        self.state = Mutex(State(lastPrint: now))
    }

    /// Reports progress; prints when the interval has passed. `totalBytes` 0 = unknown (no ETA).
    public func update(events: Int, bytes: Int64, totalBytes: Int64) {
        let now = ContinuousClock.now
        let due = state.withLock { s -> Bool in
            guard now - s.lastPrint >= interval else { return false }
            s.lastPrint = now
            s.printed = true
            return true
        }
        guard due else { return }
        let elapsed = max((now - started).seconds, 1e-9)
        var line = "\(label): \(Self.count(events)) events, \(Self.count(Int(Double(events) / elapsed)))/s, \(Self.bytes(bytes))"
        if totalBytes > 0 {
            line += " / \(Self.bytes(totalBytes))"
            let fraction = Double(bytes) / Double(totalBytes)
            if fraction > 0.001 {
                line += ", ETA \(Int((elapsed / fraction - elapsed).rounded()))s"
            }
        }
        Self.write("\r" + line + "   ")
    }

    /// Ends the progress line (prints a final summary line when a progress line was shown).
    public func finish(events: Int, bytes: Int64) {
        let printed = state.withLock { $0.printed }
        guard printed else { return }
        let elapsed = max((ContinuousClock.now - started).seconds, 1e-9)
        Self.write("\r\(label): \(Self.count(events)) events, \(Self.count(Int(Double(events) / elapsed)))/s, \(Self.bytes(bytes)), done in \(NumberFormatting.fixed(elapsed, 1))s   \n")
    }

    /// Prints one status line (a phase change on a long run).
    public func note(_ text: String) {
        let elapsed = (ContinuousClock.now - started).seconds
        Self.write("\(label): \(text) (at \(NumberFormatting.fixed(elapsed, 1))s)\n")
    }

    static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return NumberFormatting.fixed(Double(n) / 1e6, 2) + "M" }
        if n >= 10_000 { return NumberFormatting.fixed(Double(n) / 1e3, 1) + "k" }
        return "\(n)"
    }

    static func bytes(_ n: Int64) -> String {
        if n >= 1 << 30 { return NumberFormatting.fixed(Double(n) / Double(1 << 30), 2) + " GiB" }
        if n >= 1 << 20 { return NumberFormatting.fixed(Double(n) / Double(1 << 20), 1) + " MiB" }
        return "\(n) B"
    }

    private static func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in _ = Glibc.write(STDERR_FILENO, buffer.baseAddress, buffer.count) }
    }
}
