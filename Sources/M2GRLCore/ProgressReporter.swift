import Foundation

/// A progress line for long jobs: done/total, rate and ETA, redrawn on stderr
/// at most a few times a second (a plain line per update when stderr is not a terminal).
///
/// Thread-safe: `advance` may be called from any thread.
public final class ProgressReporter: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private let label: String
    private let unit: String
    private let total: Double?
    private let start = Date()
    private let interval: TimeInterval
    private let isTTY = isatty(2) != 0
    private var done: Double = 0
    private var lastDraw = Date.distantPast
    private var extra = ""
    private let enabled: Bool

    /// - Parameters:
    ///   - label: what is being done ("prepare", "epoch 3/10").
    ///   - unit: the unit counted ("events", "pairs", "bytes").
    ///   - total: the expected total, for percentage and ETA; nil when unknown.
    ///   - enabled: false silences it (tests, `--quiet`).
    public init(label: String, unit: String, total: Double? = nil, interval: TimeInterval = 0.5, enabled: Bool = true) {
        self.label = label
        self.unit = unit
        self.total = total
        self.interval = interval
        self.enabled = enabled
    }

    /// Adds `amount` to the count; `detail` (e.g. per-task losses) is shown after the rate.
    public func advance(by amount: Double = 1, detail: String? = nil) {
        lock.lock()
        done += amount
        if let detail { extra = detail }
        let now = Date()
        let draw = enabled && now.timeIntervalSince(lastDraw) >= interval
        if draw { lastDraw = now }
        let line = draw ? render(now: now) : ""
        lock.unlock()
        if draw { emit(line, final: false) }
    }

    /// Sets the absolute count (for sources that know their position, such as bytes read).
    public func update(to value: Double, detail: String? = nil) {
        lock.lock()
        let delta = value - done
        lock.unlock()
        advance(by: delta, detail: detail)
    }

    /// Prints the final line.
    public func finish(detail: String? = nil) {
        lock.lock()
        if let detail { extra = detail }
        let line = render(now: Date())
        lock.unlock()
        if enabled { emit(line, final: true) }
    }

    /// Elapsed seconds since creation.
    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    private func render(now: Date) -> String {
        let secs = max(now.timeIntervalSince(start), 1e-9)
        let rate = done / secs
        var s = "\(label): \(Self.human(done))"
        if let total { s += "/\(Self.human(total)) \(unit) (\(String(format: "%.1f", 100 * done / max(total, 1)))%)" } else { s += " \(unit)" }
        s += ", \(Self.human(rate)) \(unit)/s"
        if let total, rate > 0, done < total { s += ", ETA \(Self.duration((total - done) / rate))" }
        s += ", \(Self.duration(secs))"
        if !extra.isEmpty { s += " | \(extra)" }
        return s
    }

    private func emit(_ line: String, final: Bool) {
        let text = isTTY ? "\r\u{1B}[K" + line + (final ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// 1234567 → "1.23M".
    public static func human(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e9 { return String(format: "%.2fG", v / 1e9) }
        if a >= 1e6 { return String(format: "%.2fM", v / 1e6) }
        if a >= 1e4 { return String(format: "%.1fk", v / 1e3) }
        return a == a.rounded() ? String(Int(v)) : String(format: "%.2f", v)
    }

    /// 3725 → "1h02m05s".
    public static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        if t >= 3600 { return String(format: "%dh%02dm%02ds", t / 3600, (t % 3600) / 60, t % 60) }
        if t >= 60 { return String(format: "%dm%02ds", t / 60, t % 60) }
        return String(format: "%.1fs", s)
    }
}
