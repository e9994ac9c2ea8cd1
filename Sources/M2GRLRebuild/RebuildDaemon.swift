import Foundation

/// `m2grl-rebuild daemon`: runs a rebuild every day at the configured local time, for hosts without
/// cron or systemd timers. A failed run is logged and reported like any run; the daemon keeps going.
public struct RebuildDaemon: Sendable {
    public var configuration: RebuildConfiguration
    public var options: RebuildOptions
    /// Called after each run with its report (or the error when no run could start, e.g. lock busy).
    public var onRun: @Sendable (Result<RunReport, RebuildError>) -> Void

    public init(configuration: RebuildConfiguration, options: RebuildOptions,
                onRun: @escaping @Sendable (Result<RunReport, RebuildError>) -> Void = { _ in }) {
        self.configuration = configuration
        self.options = options
        self.onRun = onRun
    }

    /// Sleeps until each scheduled time and runs; returns when `options.shouldStop()` turns true
    /// (checked every second while waiting).
    public func run(now: @Sendable () -> Date = Date.init, calendar: Calendar = .current) throws(RebuildError) {
        let schedule = try DailySchedule(parsing: configuration.dailyAt)
        while !options.shouldStop() {
            let next = schedule.nextFire(after: now(), calendar: calendar)
            options.log("daemon: next rebuild at \(next) (daily at \(schedule) \(calendar.timeZone.identifier))")
            while now() < next {
                if options.shouldStop() { return }
                Thread.sleep(forTimeInterval: min(1, max(0.01, next.timeIntervalSince(now()))))
            }
            do {
                onRun(.success(try RebuildRunner(configuration: configuration, options: options).run()))
            } catch {
                options.log("daemon: run did not start: \(error)")
                onRun(.failure(error))
            }
        }
    }
}
