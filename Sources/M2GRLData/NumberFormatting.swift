/// Small formatting helpers (no Foundation needed).
enum NumberFormatting {
    /// `value` with exactly `digits` decimals ("12.35").
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + "\(whole)"
        if digits > 0 {
            let fraction = Int64(scaled - Double(whole) * scale)
            var f = "\(fraction)"
            while f.count < digits { f = "0" + f }
            text += "." + f
        }
        return text
    }
}
