import ArgumentParser
import Foundation
import M2GRLTrainer
import Testing
@testable import M2GRLCLI

/// `m2grl train` refusals that happen before any data is read or any epoch is trained.
@Suite struct TrainCommandTests {
    static func run(_ args: [String]) throws {
        var command = try #require(try M2GRLCommand.parseAsRoot(["train"] + args) as? TrainCommand)
        try command.run()
    }

    @Test func badOutIsCheckedBeforeTheDataIsRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("traincli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("model")
        try Data().write(to: file)
        // --data does not exist: the --out error comes first.
        for (out, text) in [(file.path, "is a file, not a directory"), (file.path + "/x", "is a file")] {
            do {
                try Self.run(["--data", dir.appendingPathComponent("missing").path, "--out", out])
                Issue.record("--out \(out) was accepted")
            } catch let e as TrainerError {
                #expect(e.code == .io && e.message.contains("--out") && e.message.contains(text), "\(e.message)")
            }
        }
    }

    @Test func outOfRangeFlagsNameTheKey() throws {
        for (args, key) in [(["--window", "3000000000"], "skipgram.window"), (["--learning-rate", "inf"], "optimizer.learning_rate"),
                            (["--set", "optimizer.beta1=5"], "optimizer.beta1")] {
            do {
                try Self.run(["--data", "/nonexistent", "--out", "/nonexistent"] + args)
                Issue.record("\(args) was accepted")
            } catch let e as TrainerError {
                #expect(e.code == .invalidConfiguration && e.message.hasPrefix(key), "\(e.message)")
            }
        }
    }
}
