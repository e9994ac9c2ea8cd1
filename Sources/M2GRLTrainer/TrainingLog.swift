import Foundation
import Synchronization

/// The JSON-lines training log: one `{"type":"step","phase":…,…}` record per task set every
/// `log.every` steps (batch-mean loss and σ² per task) and one `{"type":"epoch","phase":…,…}` record
/// per epoch. `phase` says which run a record belongs to: `"selection"` (the model-selection run on
/// the validation split) or `"final"`; step counters restart with each phase. Keeps the step records
/// in memory for `LossCurvePlot`; a resumed run rewinds the log to its checkpoint (`rewind`).
public final class TrainingLog: Sendable {
    /// The phases of a `TrainingPipeline` run, in order.
    public static let phases = ["selection", "final"]

    /// One logged step.
    public struct Point: Sendable, Equatable {
        public var phase: String
        public var step: Int
        /// 1-based epoch.
        public var epoch: Int
        public var losses: [Float]
        public var variances: [Float]

        public init(phase: String = "final", step: Int, epoch: Int = 1, losses: [Float], variances: [Float]) {
            self.phase = phase
            self.step = step
            self.epoch = epoch
            self.losses = losses
            self.variances = variances
        }

        /// Equal fields; a NaN (no value: the task had no example in the batch) equals a NaN.
        public static func == (a: Point, b: Point) -> Bool {
            func same(_ x: [Float], _ y: [Float]) -> Bool { x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
            return a.phase == b.phase && a.step == b.step && a.epoch == b.epoch && same(a.losses, b.losses) && same(a.variances, b.variances)
        }
    }

    private struct State {
        var handle: FileHandle?
        var points: [Point] = []
    }

    private let state: Mutex<State>
    /// The file, when the log is written to one.
    public let url: URL?

    /// Logs to `url` (truncated; appended to when `append`), or only in memory when nil.
    public init(url: URL?, append: Bool = false) throws {
        self.url = url
        var handle: FileHandle? = nil
        if let url {
            let fm = FileManager.default
            if !append || !fm.fileExists(atPath: url.path) {
                guard fm.createFile(atPath: url.path, contents: nil) else {
                    throw TrainerError(.io, "cannot create training log \(url.path)")
                }
            }
            do { handle = try FileHandle(forWritingTo: url); try handle?.seekToEnd() } catch {
                throw TrainerError(.io, "cannot open training log \(url.path): \(error.localizedDescription)")
            }
        }
        state = Mutex(State(handle: handle))
    }

    /// Logged step points so far (with `rewind`, also those an earlier, resumed process logged).
    public var points: [Point] { state.withLock { $0.points } }

    /// Makes the log what an uninterrupted run would have written up to a checkpoint: drops the
    /// records of `phase` after epoch `epochsKept` (those of an epoch the checkpoint does not hold),
    /// keeps every other record, and reloads the step points of the file for the plot. `names` are
    /// the run's task names (the order of `Point.losses`).
    public func rewind(phase: String, epochsKept: Int, names: [String]) throws {
        try state.withLock { st in
            guard let url, let handle = st.handle else {
                st.points.removeAll { $0.phase == phase && $0.epoch > epochsKept }
                return
            }
            do {
                let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
                var kept: [Substring] = []
                var points: [Point] = []
                for line in text.split(separator: "\n") {
                    guard let record = Self.parse(line, names: names) else { continue }  // a torn last line
                    if record.phase == phase && record.epoch > epochsKept { continue }
                    kept.append(line)
                    if let p = record.point { points.append(p) }
                }
                try handle.truncate(atOffset: 0)
                try handle.write(contentsOf: Data(kept.map { $0 + "\n" }.joined().utf8))
                st.points = points
            } catch {
                throw TrainerError(.io, "cannot rewind training log \(url.path): \(error.localizedDescription)")
            }
        }
    }

    func record(_ r: BatchReport, names: [String], phase: String) {
        var fields: [String] = []
        for t in names.indices where !r.losses[t].isNaN {
            fields.append("\"\(names[t])\":{\"loss\":\(Self.json(r.losses[t])),\"sigma2\":\(Self.json(r.variances[t])),\"weight\":\(Self.json(1 / r.variances[t]))}")
        }
        let line = "{\"type\":\"step\",\"phase\":\"\(phase)\",\"step\":\(r.step),\"epoch\":\(r.epoch + 1),\"tasks\":{\(fields.joined(separator: ","))}}\n"
        state.withLock {
            // As the line holds it (a task without examples in the batch is not in the line, ±∞ is
            // null), so a reloaded log plots the same.
            let losses = r.losses.map { $0.isFinite ? $0 : Float.nan }
            let variances = zip(r.losses, r.variances).map { $0.isNaN || !$1.isFinite ? Float.nan : $1 }
            $0.points.append(Point(phase: phase, step: r.step, epoch: r.epoch + 1, losses: losses, variances: variances))
            $0.handle?.write(Data(line.utf8))
        }
    }

    func record(_ s: EpochSummary, names: [String], phase: String) {
        var fields: [String] = []
        for t in names.indices {
            fields.append("\"\(names[t])\":{\"loss\":\(Self.json(s.losses[t])),\"sigma2\":\(Self.json(s.variances[t]))}")
        }
        var line = "{\"type\":\"epoch\",\"phase\":\"\(phase)\",\"epoch\":\(s.epoch),\"examples\":\(s.examples),\"seconds\":\(s.seconds),\"tasks\":{\(fields.joined(separator: ","))}"
        if let r = s.selectionRecall { line += ",\"selection_recall\":\(r)" }
        line += "}\n"
        state.withLock { $0.handle?.write(Data(line.utf8)) }
    }

    /// Flushes and closes the file.
    public func close() {
        state.withLock { try? $0.handle?.close(); $0.handle = nil }
    }

    /// A number as JSON: non-finite values (not JSON) as `null`.
    static func json<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F) -> String { x.isFinite ? "\(x)" : "null" }
}
