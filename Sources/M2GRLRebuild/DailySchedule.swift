import Foundation

/// A once-a-day schedule at a local time of day (`HH:MM`), for `m2grl-rebuild daemon`.
public struct DailySchedule: Sendable, Equatable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) throws(RebuildError) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else {
            throw RebuildError(.configuration, "schedule time \(hour):\(minute) is out of range")
        }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `HH:MM` (24-hour clock).
    public init(parsing text: String) throws(RebuildError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]) else {
            throw RebuildError(.configuration, "schedule.daily_at '\(text)' is not HH:MM")
        }
        try self.init(hour: h, minute: m)
    }

    public var description: String { String(format: "%02d:%02d", hour, minute) }

    /// The first time strictly after `date` at which the schedule fires, in `calendar`'s time zone.
    /// On a day where that wall-clock time does not exist (DST gap) the next valid time is used.
    public func nextFire(after date: Date, calendar: Calendar = .current) -> Date {
        var components = DateComponents()
        components.hour = hour
        components.minute = minute
        components.second = 0
        return calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime,
                                 repeatedTimePolicy: .first, direction: .forward) ?? date.addingTimeInterval(86_400)
    }
}
