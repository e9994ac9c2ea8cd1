extension TrainingLog {
    /// What `rewind` needs of one record.
    struct Record {
        var phase: String
        var epoch: Int
        /// The step point, for `"step"` records.
        var point: Point?
    }

    /// Parses a record this log wrote (older logs without `phase` are `"final"`); nil for a line
    /// that is not one (e.g. torn by a crash). The floats are read from their text as written, so
    /// reloaded points equal the recorded ones bit for bit.
    static func parse(_ line: Substring, names: [String]) -> Record? {
        guard line.hasPrefix("{\"type\":\""), line.hasSuffix("}"),
              let epoch = integer(after: "\"epoch\":", in: line) else { return nil }
        let phase = string(after: "\"phase\":\"", in: line) ?? "final"
        guard line.hasPrefix("{\"type\":\"step\"") else { return Record(phase: phase, epoch: epoch, point: nil) }
        guard let step = integer(after: "\"step\":", in: line) else { return nil }
        var losses = [Float](repeating: .nan, count: names.count), variances = [Float](repeating: .nan, count: names.count)
        for (t, name) in names.enumerated() {
            guard let r = line.range(of: "\"\(name)\":{\"loss\":") else { continue }
            let rest = line[r.upperBound...]
            let loss = rest.prefix { $0 != "," }
            losses[t] = Float(String(loss)) ?? .nan
            if let s = rest.range(of: ",\"sigma2\":") {
                variances[t] = Float(String(rest[s.upperBound...].prefix { $0 != "," && $0 != "}" })) ?? .nan
            }
        }
        return Record(phase: phase, epoch: epoch, point: Point(phase: phase, step: step, epoch: epoch, losses: losses, variances: variances))
    }

    private static func integer(after key: String, in line: Substring) -> Int? {
        guard let r = line.range(of: key) else { return nil }
        return Int(String(line[r.upperBound...].prefix { $0.isNumber || $0 == "-" }))
    }

    private static func string(after key: String, in line: Substring) -> String? {
        guard let r = line.range(of: key) else { return nil }
        return String(line[r.upperBound...].prefix { $0 != "\"" })
    }
}
