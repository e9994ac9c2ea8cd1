import Foundation
import Testing
@testable import M2GRLTrainer

/// A bad `--out` / `--checkpoint` fails up front with a clear typed error.
@Suite struct OutputDirectoryTests {
    static func tempDir() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-out-\(UUID().uuidString)") }

    @Test func badOutputDirectoriesAreClearErrors() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try OutputDirectory.prepare(dir.appendingPathComponent("a/b"), role: "--out")
        let file = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        for (url, text) in [(file, "is a file, not a directory"), (file.appendingPathComponent("sub"), "cannot be created: \(file.path) is a file")] {
            do {
                try OutputDirectory.prepare(url, role: "--out")
                Issue.record("\(url.path) was accepted")
            } catch let e as TrainerError {
                #expect(e.code == .io && e.message.contains(text), "\(e.message)")
            }
        }
    }
}
