import Foundation

/// A resumable snapshot of a run, written after every epoch into a directory:
/// `checkpoint.json` (state, configuration, vocabularies, array directory) and `state.bin`
/// (the listed float32 arrays, little-endian, back to back). Written atomically (files are replaced).
public struct TrainerCheckpoint: Sendable {
    public static let formatVersion = 1

    /// The JSON part.
    public struct State: Codable, Sendable {
        public var formatVersion: Int
        public var configuration: [String: String]
        public var taskNames: [String]
        public var viewNames: [String]
        /// External ids per view (index 0 = reserved placeholder).
        public var vocabularies: [[String]]
        public var dimension: Int
        public var epochsDone: Int
        public var steps: Int
        public var history: [EpochSummary]
        public var bestEpoch: Int?
        public var bestRecall: Double?
        /// Evaluations since the best one (the early-stopping patience counter); absent in older
        /// checkpoints (then `epochsDone − bestEpoch`).
        public var sinceBest: Int?
        /// The run ended early (patience exhausted): a resume trains no further epoch.
        public var stopped: Bool?
        /// Names and lengths of the arrays in `state.bin`, in order.
        public var arrays: [ArrayEntry]
    }

    public struct ArrayEntry: Codable, Sendable {
        public var name: String
        public var count: Int
    }

    public var state: State
    /// Arrays by name.
    public var arrays: [String: [Float]]
    public var bestSnapshot: ParameterSnapshot?

    static func exists(in dir: URL) -> Bool {
        FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint.json").path)
    }

    /// Captures the trainer's current state.
    init(trainer: M2GRLTrainer, epochsDone: Int, steps: Int, history: [EpochSummary], bestEpoch: Int?, bestRecall: Double?,
         bestSnapshot: ParameterSnapshot?, sinceBest: Int = 0, stopped: Bool = false) {
        let p = trainer.parameters
        var arrays: [(String, [Float])] = []
        func add(_ name: String, _ m: ParameterMatrix) {
            arrays.append((name, m.values.array))
            if let m1 = m.moment1, let m2 = m.moment2 { arrays.append((name + ".m1", m1.array)); arrays.append((name + ".m2", m2.array)) }
        }
        for v in p.input.indices { add("input.\(v)", p.input[v]); add("output.\(v)", p.output[v]) }
        for a in p.alignment.indices { add("W.\(a)", p.alignment[a]) }
        add("s", p.logVariance)
        if let b = bestSnapshot {
            for v in b.input.indices { arrays.append(("best.input.\(v)", b.input[v])); arrays.append(("best.output.\(v)", b.output[v])) }
            for a in b.alignment.indices { arrays.append(("best.W.\(a)", b.alignment[a])) }
            arrays.append(("best.s", b.logVariance))
        }
        state = State(formatVersion: Self.formatVersion, configuration: trainer.config.flattened, taskNames: trainer.plan.names,
                      viewNames: trainer.dataset.views.map(\.name), vocabularies: trainer.dataset.views.map(\.vocabulary),
                      dimension: p.dimension, epochsDone: epochsDone, steps: steps, history: history,
                      bestEpoch: bestEpoch, bestRecall: bestRecall, sinceBest: sinceBest, stopped: stopped, arrays: arrays.map { ArrayEntry(name: $0.0, count: $0.1.count) })
        self.arrays = Dictionary(arrays, uniquingKeysWith: { a, _ in a })
        self.bestSnapshot = bestSnapshot
    }

    public func write(to dir: URL) throws {
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var data = Data()
            for e in state.arrays {
                arrays[e.name]!.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!)
                    .assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
            }
            try data.write(to: dir.appendingPathComponent("state.bin"), options: .atomic)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            try enc.encode(state).write(to: dir.appendingPathComponent("checkpoint.json"), options: .atomic)
        } catch {
            throw TrainerError(.io, "cannot write checkpoint to \(dir.path): \(error.localizedDescription)")
        }
    }

    /// Reads a checkpoint directory.
    public static func read(from dir: URL) throws -> TrainerCheckpoint {
        let state: State
        let data: Data
        do {
            let dec = JSONDecoder()
            dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            state = try dec.decode(State.self, from: Data(contentsOf: dir.appendingPathComponent("checkpoint.json")))
            data = try Data(contentsOf: dir.appendingPathComponent("state.bin"))
        } catch {
            throw TrainerError(.invalidCheckpoint, "cannot read checkpoint in \(dir.path): \(error.localizedDescription)")
        }
        guard state.formatVersion == formatVersion else {
            throw TrainerError(.invalidCheckpoint, "checkpoint format \(state.formatVersion), this build reads \(formatVersion)")
        }
        try check(state, stateBytes: data.count)
        var arrays: [String: [Float]] = [:]
        data.withUnsafeBytes { raw in
            var off = 0
            for e in state.arrays {
                var a = [Float](repeating: 0, count: e.count)
                a.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[off..<(off + e.count * 4)])) }
                arrays[e.name] = a
                off += e.count * 4
            }
        }
        var best: ParameterSnapshot? = nil
        if arrays["best.s"] != nil {
            let nv = state.viewNames.count
            let na = state.taskNames.filter { $0.hasPrefix("align.") }.count
            best = ParameterSnapshot(input: (0..<nv).map { arrays["best.input.\($0)"] ?? [] },
                                     output: (0..<nv).map { arrays["best.output.\($0)"] ?? [] },
                                     alignment: (0..<na).map { arrays["best.W.\($0)"] ?? [] }, logVariance: arrays["best.s"]!)
        }
        return TrainerCheckpoint(state: state, arrays: arrays, bestSnapshot: best)
    }

    /// Rejects counts and indices that would trap or mislead the readers (negative or overflowing
    /// array sizes, lists of different lengths, epochs out of order).
    static func check(_ state: State, stateBytes: Int) throws {
        func bad(_ what: String) -> TrainerError { TrainerError(.invalidCheckpoint, "corrupt checkpoint: \(what)") }
        var total = 0
        for e in state.arrays {
            guard e.count >= 0, e.count <= stateBytes / 4 else { throw bad("array \(e.name) has count \(e.count)") }
            total += e.count  // each ≤ stateBytes / 4: no overflow for any sane number of arrays
            guard total <= stateBytes / 4 else { break }
        }
        guard stateBytes % 4 == 0, total == stateBytes / 4 else {
            throw TrainerError(.invalidCheckpoint, "state.bin holds \(stateBytes) bytes, checkpoint.json lists \(total) floats")
        }
        guard TrainingConfiguration.dimensionRange.contains(state.dimension) else { throw bad("dimension \(state.dimension)") }
        guard state.vocabularies.count == state.viewNames.count else {
            throw bad("\(state.vocabularies.count) vocabularies for \(state.viewNames.count) views")
        }
        guard state.epochsDone >= 0, state.steps >= 0 else { throw bad("epochs done \(state.epochsDone), steps \(state.steps)") }
        if let b = state.bestEpoch, !(1...max(state.epochsDone, 1)).contains(b) { throw bad("best epoch \(b) of \(state.epochsDone)") }
        if let n = state.sinceBest, n < 0 || n > state.epochsDone { throw bad("since-best count \(n)") }
        for h in state.history where h.losses.count != state.taskNames.count || h.variances.count != state.taskNames.count {
            throw bad("epoch \(h.epoch) lists \(h.losses.count) losses for \(state.taskNames.count) tasks")
        }
    }

    private init(state: State, arrays: [String: [Float]], bestSnapshot: ParameterSnapshot?) {
        self.state = state
        self.arrays = arrays
        self.bestSnapshot = bestSnapshot
    }

    /// Loads parameters and moments into `trainer`; throws unless the run matches (same data, tasks,
    /// dimension and configuration apart from epochs, threads, patience and logging).
    func restore(into trainer: M2GRLTrainer) throws {
        // Epoch counts are free unless they change SGD's linear decay (its span is
        // max(epochs, schedule_epochs)); Adam's step size does not depend on them.
        var free: Set<String> = ["training.epochs", "training.schedule_epochs", "training.threads", "selection.patience", "log.every"]
        let stored = TrainingConfiguration().flattened.merging(state.configuration) { _, stored in stored }
        func span(_ c: [String: String]) -> Int { max(Int(c["training.epochs"] ?? "") ?? 0, Int(c["training.schedule_epochs"] ?? "") ?? 0) }
        if trainer.config.optimizer == .sgd, span(trainer.config.flattened) != span(stored) {
            free.subtract(["training.epochs", "training.schedule_epochs"])
        }
        let mine = trainer.config.flattened.filter { !free.contains($0.key) }
        // A key the checkpoint lacks (written before the key existed) had its default value then.
        let theirs = stored.filter { !free.contains($0.key) }
        if mine != theirs {
            let diff = Set(mine.keys).union(theirs.keys).filter { mine[$0] != theirs[$0] }.sorted()
            let listed = diff.map { "\($0): checkpoint \(theirs[$0] ?? "-"), now \(mine[$0] ?? "-")" }
            throw TrainerError(.invalidCheckpoint, "checkpoint was written with a different configuration (\(listed.joined(separator: "; "))); "
                + "resume with the same settings, or start afresh (or --warm-start from it)")
        }
        guard state.taskNames == trainer.plan.names, state.vocabularies == trainer.dataset.views.map(\.vocabulary) else {
            throw TrainerError(.invalidCheckpoint, "checkpoint was written for other data (tasks or vocabularies differ); use warm start instead")
        }
        guard state.epochsDone <= trainer.config.epochs else {
            throw TrainerError(.invalidCheckpoint, "checkpoint holds \(state.epochsDone) epochs, more than training.epochs = \(trainer.config.epochs)")
        }
        if let b = bestSnapshot {
            let p = trainer.parameters
            let shapes = b.input.map(\.count) + b.output.map(\.count) + b.alignment.map(\.count) + [b.logVariance.count]
            let wanted = p.input.map(\.values.count) + p.output.map(\.values.count) + p.alignment.map(\.values.count) + [p.logVariance.values.count]
            guard shapes == wanted else { throw TrainerError(.invalidCheckpoint, "the best epoch's arrays in the checkpoint have the wrong sizes") }
        }
        let p = trainer.parameters
        func load(_ name: String, _ m: ParameterMatrix) throws {
            func copy(_ n: String, _ dst: FloatStorage?) throws {
                guard let dst else { return }
                guard let src = arrays[n], src.count == dst.count else { throw TrainerError(.invalidCheckpoint, "array \(n) missing or of wrong size") }
                src.withUnsafeBufferPointer { if let b = $0.baseAddress { dst.pointer.update(from: b, count: src.count) } }
            }
            try copy(name, m.values)
            try copy(name + ".m1", m.moment1)
            try copy(name + ".m2", m.moment2)
        }
        for v in p.input.indices { try load("input.\(v)", p.input[v]); try load("output.\(v)", p.output[v]) }
        for a in p.alignment.indices { try load("W.\(a)", p.alignment[a]) }
        try load("s", p.logVariance)
    }
}
