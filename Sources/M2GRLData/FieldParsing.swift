/// Byte-level parsers for log fields: numbers, timestamps (epoch seconds or ISO-8601), UTF-8.
enum FieldParsing {
    /// Parses a decimal number (`12`, `-3`, `2.5`, `1e3`). Nil when not a number.
    static func parseDouble(_ f: ByteField) -> Double? {
        var i = 0
        var negative = false
        if f.count == 0 { return nil }
        if f[0] == UInt8(ascii: "-") || f[0] == UInt8(ascii: "+") { negative = f[0] == UInt8(ascii: "-"); i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var scale = 0
        while i < f.count, f[i] &- 48 < 10 {
            if digits < 18 { mantissa = mantissa &* 10 &+ UInt64(f[i] &- 48) } else { scale += 1 }
            digits += 1
            i += 1
        }
        if i < f.count, f[i] == UInt8(ascii: ".") {
            i += 1
            while i < f.count, f[i] &- 48 < 10 {
                if digits < 18 { mantissa = mantissa &* 10 &+ UInt64(f[i] &- 48); scale -= 1 }
                digits += 1
                i += 1
            }
        }
        if digits == 0 { return nil }
        if i < f.count {
            // Exponent or junk: defer to the standard library for the rare exponent form.
            guard f[i] == UInt8(ascii: "e") || f[i] == UInt8(ascii: "E") else { return nil }
            // `1e400` would parse as infinity, which no dwell or rating is.
            guard let d = Double(f.string), d.isFinite else { return nil }
            return d
        }
        var value = Double(mantissa)
        if scale > 0 { value *= pow10(scale) } else if scale < 0 { value /= pow10(-scale) }
        return negative ? -value : value
    }

    private static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }

    /// Parses a timestamp into epoch seconds: a decimal number of seconds (fraction truncated
    /// towards −∞), or ISO-8601 `YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh[:mm]]` (no zone = UTC).
    static func parseTimestamp(_ f: ByteField) -> Int64? {
        guard let t = parseTimestampUnchecked(f), validTimestamps.contains(t) else { return nil }
        return t
    }

    /// Epoch seconds of 0000-01-01T00:00:00Z ... 9999-12-31T23:59:59Z, what ISO-8601 can write.
    /// A number outside is not a time in seconds (a millisecond timestamp such as 1793524380000 is
    /// 58,800 years away): refusing it beats silently cutting every event into its own session.
    static let validTimestamps: ClosedRange<Int64> = -62_167_219_200...253_402_300_799

    private static func parseTimestampUnchecked(_ f: ByteField) -> Int64? {
        if f.count == 0 { return nil }
        // Fast path: plain integer seconds.
        var i = 0
        var value: Int64 = 0
        let negative = f[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        let digitsStart = i
        while i < f.count, f[i] &- 48 < 10, i - digitsStart < 18 {
            value = value * 10 + Int64(f[i] &- 48)
            i += 1
        }
        if i == f.count && i > digitsStart { return negative ? -value : value }
        if i > digitsStart, i < f.count, f[i] == UInt8(ascii: ".") || f[i] == UInt8(ascii: "e") || f[i] == UInt8(ascii: "E") {
            guard let d = parseDouble(f), d.isFinite, abs(d) < 9e15 else { return nil }
            return Int64(d.rounded(.down))
        }
        return negative ? nil : parseISO8601(f)
    }

    /// ISO-8601 date-time to epoch seconds.
    static func parseISO8601(_ f: ByteField) -> Int64? {
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= f.count else { return nil }
            var v = 0
            for k in 0..<width {
                let d = f[i + k] &- 48
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            i += width
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < f.count, f[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2),
              expect(UInt8(ascii: "-")), let day = number(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month) else { return nil }
        var seconds = 0
        if i < f.count {
            guard f[i] == UInt8(ascii: "T") || f[i] == UInt8(ascii: " ") || f[i] == UInt8(ascii: "t") else { return nil }
            i += 1
            guard let hh = number(2), hh < 24, expect(UInt8(ascii: ":")), let mm = number(2), mm < 60 else { return nil }
            var ss = 0
            if expect(UInt8(ascii: ":")) {
                guard let s = number(2), s <= 60 else { return nil }
                ss = s
                if expect(UInt8(ascii: ".")) || expect(UInt8(ascii: ",")) {
                    var fractionDigits = 0
                    while i < f.count, f[i] &- 48 < 10 { i += 1; fractionDigits += 1 }
                    guard fractionDigits > 0 else { return nil }
                }
            }
            seconds = hh * 3600 + mm * 60 + ss
            if i < f.count {
                if f[i] == UInt8(ascii: "Z") || f[i] == UInt8(ascii: "z") {
                    i += 1
                } else if f[i] == UInt8(ascii: "+") || f[i] == UInt8(ascii: "-") {
                    let sign = f[i] == UInt8(ascii: "+") ? 1 : -1
                    i += 1
                    guard let oh = number(2), oh <= 14 else { return nil }
                    var om = 0
                    if expect(UInt8(ascii: ":")) {
                        guard let m = number(2), m < 60 else { return nil }
                        om = m
                    } else if i < f.count {
                        guard let m = number(2), m < 60 else { return nil }
                        om = m
                    }
                    seconds -= sign * (oh * 3600 + om * 60)
                } else {
                    return nil
                }
            }
            guard i == f.count else { return nil }
        }
        return Int64(daysFromCivil(year, month, day)) * 86_400 + Int64(seconds)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number since 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether the bytes are valid UTF-8 (rejecting overlong forms, surrogates and > U+10FFFF).
    @inline(__always)
    static func isValidUTF8(_ f: ByteField) -> Bool {
        // Fast path: pure ASCII, checked 8 bytes at a time.
        let raw = UnsafeRawPointer(f.start)
        var i = 0
        while i + 8 <= f.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                return validateMultiByte(f, from: i)
            }
            i += 8
        }
        while i < f.count {
            if f[i] >= 0x80 { return validateMultiByte(f, from: i) }
            i += 1
        }
        return true
    }

    private static func validateMultiByte(_ f: ByteField, from index: Int) -> Bool {
        var i = index
        while i < f.count {
            let b = f[i]
            if b < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80
            var hi: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard i + need < f.count else { return false }
            let second = f[i + 1]
            guard second >= lo && second <= hi else { return false }
            var k = 2
            while k <= need {
                guard f[i + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }
}
