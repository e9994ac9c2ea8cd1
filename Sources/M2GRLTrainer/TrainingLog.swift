import Foundation
import Synchronization

/// The JSON-lines training log: one `{"type":"step",…}` record per task set every `log.every` steps
/// (batch-mean loss and σ² per task) and one `{"type":"epoch",…}` record per epoch. Keeps the step
/// records in memory for `LossCurvePlot`.
public final class TrainingLog: Sendable {
    /// One logged step.
    public struct Point: Sendable, Equatable {
        public var step: Int
        public var losses: [Float]
        public var variances: [Float]
    }

    private struct State {
        var handle: FileHandle?
        var points: [Point] = []
    }

    private let state: Mutex<State>

    /// Logs to `url` (truncated; appended to when `append`), or only in memory when nil.
    public init(url: URL?, append: Bool = false) throws {
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

    /// Logged step points so far.
    public var points: [Point] { state.withLock { $0.points } }

    func record(_ r: BatchReport, names: [String]) {
        var fields: [String] = []
        for t in names.indices where !r.losses[t].isNaN {
            fields.append("\"\(names[t])\":{\"loss\":\(r.losses[t]),\"sigma2\":\(r.variances[t]),\"weight\":\(1 / r.variances[t])}")
        }
        let line = "{\"type\":\"step\",\"step\":\(r.step),\"epoch\":\(r.epoch + 1),\"tasks\":{\(fields.joined(separator: ","))}}\n"
        state.withLock {
            $0.points.append(Point(step: r.step, losses: r.losses, variances: r.variances))
            $0.handle?.write(Data(line.utf8))
        }
    }

    func record(_ s: EpochSummary, names: [String]) {
        var fields: [String] = []
        for t in names.indices {
            let loss = s.losses[t].isNaN ? "null" : "\(s.losses[t])"
            fields.append("\"\(names[t])\":{\"loss\":\(loss),\"sigma2\":\(s.variances[t])}")
        }
        var line = "{\"type\":\"epoch\",\"epoch\":\(s.epoch),\"examples\":\(s.examples),\"seconds\":\(s.seconds),\"tasks\":{\(fields.joined(separator: ","))}"
        if let r = s.selectionRecall { line += ",\"selection_recall\":\(r)" }
        line += "}\n"
        state.withLock { $0.handle?.write(Data(line.utf8)) }
    }

    /// Flushes and closes the file.
    public func close() {
        state.withLock { try? $0.handle?.close(); $0.handle = nil }
    }
}
