import Foundation
import M2GRLCore
import Synchronization
import Testing
@testable import M2GRLTrainer

/// Collects progress lines.
final class ProgressLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
}

/// What a checkpoint must carry so a resumed run behaves as the uninterrupted one, and what a
/// corrupt or mismatched one gets.
@Suite struct CheckpointStateTests {
    static func tempDir() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-ck-\(UUID().uuidString)") }

    /// Learning rate so small nothing moves: the Recall@K never improves and patience 2 stops at epoch 3.
    static let stalling = ToyData.config { $0.epochs = 6; $0.learningRate = 1e-12; $0.selectBest = true; $0.patience = 2; $0.evaluationK = 5 }

    @Test(arguments: [false, true]) func earlyStopSurvivesResume(olderCheckpoint: Bool) throws {
        let ds = ToyData.clustered(sessions: 60)
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TrainingOptions()
        options.selection = try RetrievalEvaluator(dataset: ds, k: 5)
        options.checkpointDirectory = dir
        let full = try M2GRLTrainer(dataset: ds, config: Self.stalling).train(options)
        #expect(full.stoppedEarly && full.epochs.count == 3)
        if olderCheckpoint {  // written before the patience state was stored
            var ck = try TrainerCheckpoint.read(from: dir)
            ck.state.sinceBest = nil
            ck.state.stopped = nil
            try ck.write(to: dir)
        }
        options.resume = true
        let lines = ProgressLines()
        options.progress = lines.sink
        let resumed = try M2GRLTrainer(dataset: ds, config: Self.stalling).train(options)
        #expect(resumed.stoppedEarly && resumed.epochs.count == 3 && resumed.selectedEpoch == full.selectedEpoch)
        #expect(lines.all.contains { $0.contains("stopped early") })
    }

    @Test func corruptCountsAreTypedErrors() throws {
        let ds = ToyData.clustered(sessions: 30)
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TrainingOptions()
        options.checkpointDirectory = dir
        _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 1 }).train(options)
        let url = dir.appendingPathComponent("checkpoint.json")
        let good = try String(contentsOf: url, encoding: .utf8)
        let count = try #require(good.firstRange(of: #/"count":(\d+)/#))
        let edits: [(String, String)] = [
            (String(good[count]), "\"count\":-4"), (String(good[count]), "\"count\":4611686018427387904"),
            ("\"dimension\":16", "\"dimension\":-16"), ("\"epochsDone\":1", "\"epochsDone\":-1"),
            ("\"vocabularies\":[[", "\"vocabularies\":[[\"x\"],["),
        ]
        for (from, to) in edits {
            try good.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
            #expect(throws: TrainerError.self, "\(to)") { _ = try TrainerCheckpoint.read(from: dir) }
            #expect(throws: TrainerError.self, "\(to)") { _ = try WarmStart(checkpointDirectory: dir) }
        }
    }

    @Test func resumeRefusesAnotherScheduleAndSaysWhenStartingFresh() throws {
        let ds = ToyData.clustered(sessions: 30)
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TrainingOptions()
        options.checkpointDirectory = dir
        options.resume = true
        let lines = ProgressLines()
        options.progress = lines.sink
        _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2 }).train(options)
        #expect(lines.all.contains("no checkpoint in \(dir.path): starting from epoch 1\n"))
        // SGD: another epoch count changes the linear decay.
        do {
            _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 3 }).train(options)
            Issue.record("a different SGD schedule was accepted")
        } catch let e as TrainerError {
            #expect(e.code == .invalidCheckpoint && e.message.contains("training.epochs: checkpoint 2, now 3"), "\(e.message)")
        }
        // The same span (schedule_epochs) is fine; another seed or dimension is not.
        _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2; $0.threads = 2 }).train(options)
        do {
            _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2; $0.seed = 5; $0.optimizer = .adam }).train(options)
            Issue.record("another seed was accepted")
        } catch let e as TrainerError {
            #expect(e.message.contains("training.seed") && e.message.contains("optimizer.kind"), "\(e.message)")
        }
    }

    @Test func adamResumeWithFewerEpochsThanDoneIsAnError() throws {
        let ds = ToyData.clustered(sessions: 30)
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TrainingOptions()
        options.checkpointDirectory = dir
        _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 3; $0.optimizer = .adam }).train(options)
        options.resume = true
        #expect(throws: TrainerError.self) {
            _ = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 2; $0.optimizer = .adam }).train(options)
        }
    }

    @Test func progressNamesKAndWarmStartCounts() throws {
        let ds = ToyData.clustered(sessions: 60)
        let old = try M2GRLTrainer(dataset: ds, config: ToyData.config { $0.epochs = 1 })
        _ = try old.train()
        var next = ds
        next.views[0].vocabulary[32] = "99"
        let lines = ProgressLines()
        var options = TrainingOptions()
        options.progress = lines.sink
        options.warmStart = try WarmStart(bundle: ModelBundle(tables: ModelExporter.bundle(old).tables, items: []))
        options.selection = try RetrievalEvaluator(dataset: next, k: 7)
        _ = try M2GRLTrainer(dataset: next, config: ToyData.config { $0.epochs = 1; $0.selectBest = true }).train(options)
        #expect(lines.all.contains { $0.hasPrefix("warm start: item 31 rows kept, 1 fresh; category ") })
        #expect(lines.all.contains { $0.contains("valid Recall@7 ") })
    }
}
