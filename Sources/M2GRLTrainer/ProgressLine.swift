import Foundation

/// The progress line of a run: epoch, share done, positive pairs/s, ETA, and per task loss and weight.
///
/// `@unchecked Sendable`: `update` is called only from worker 0 and `finish` after the workers joined,
/// so the mutable state is never touched by two threads at once.
final class ProgressLine: @unchecked Sendable {
    let sink: (@Sendable (String) -> Void)?
    let epoch: Int, epochs: Int
    let names: [String]
    let expected: Int
    let runStart: Date
    let epochsBefore: Int
    /// The K of the selection Recall@K.
    let k: Int
    let started = Date()
    var lastPrint = Date.distantPast

    init(sink: (@Sendable (String) -> Void)?, epoch: Int, epochs: Int, names: [String], expectedExamples: Int,
         runStart: Date, epochsBefore: Int, k: Int = 50) {
        self.sink = sink
        self.epoch = epoch
        self.epochs = epochs
        self.names = names
        expected = max(expectedExamples, 1)
        self.runStart = runStart
        self.epochsBefore = epochsBefore
        self.k = k
    }

    func update(examples: Int, report: BatchReport) {
        guard let sink else { return }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) >= 0.5 else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(started)
        let rate = Double(examples) / max(elapsed, 1e-9)
        let fraction = min(1, Double(examples) / Double(expected))
        let perEpoch = fraction > 0 ? elapsed / fraction : 0
        let eta = perEpoch * (1 - fraction) + perEpoch * Double(epochs - epoch - 1)
        sink(String(format: "epoch %d/%d %3.0f%%  %@ pairs/s  ETA %@  ", epoch + 1, epochs, fraction * 100,
                    Self.human(rate), Self.clock(eta)) + tasks(report.losses.map(Double.init), report.variances.map(Double.init)))
    }

    func finish(_ s: EpochSummary) {
        guard let sink else { return }
        var line = String(format: "epoch %d/%d done in %.1fs  %@ pairs/s  ", s.epoch, epochs, s.seconds,
                          Self.human(Double(s.examples) / max(s.seconds, 1e-9))) + tasks(s.losses, s.variances)
        if let r = s.selectionRecall { line += String(format: "  valid Recall@%d %.2f%%", k, r * 100) }
        sink(line + "\n")
    }

    private func tasks(_ losses: [Double], _ variances: [Double]) -> String {
        names.indices.map { t in
            String(format: "%@ %.3f (w %.2f)", names[t], losses[t], variances[t] > 0 ? 1 / variances[t] : 0)
        }.joined(separator: "  ")
    }

    static func human(_ x: Double) -> String {
        x >= 1e6 ? String(format: "%.2fM", x / 1e6) : x >= 1e3 ? String(format: "%.1fk", x / 1e3) : String(format: "%.0f", x)
    }

    static func clock(_ s: Double) -> String {
        guard s.isFinite else { return "--:--" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }
}
