import Foundation
import M2GRLCore
import Testing
@testable import Snapshot

/// A publisher process killed at each step leaves `current` valid, and the next publish succeeds.
///
/// Runs the built `m2grl export` with `M2GRL_CRASH_AT=STEP`, which makes the publisher
/// `_exit(86)` right after that step.
@Suite struct CrashSafetyTests {
    /// The `m2grl` executable next to the test bundle (`swift build` puts both in the same directory).
    static func m2grlBinary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["M2GRL_BINARY"] { return URL(fileURLWithPath: path) }
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent()) }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for dir in candidates {
            var d = dir
            for _ in 0..<4 {
                let url = d.appendingPathComponent("m2grl")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
                d = d.deletingLastPathComponent()
            }
        }
        throw SnapshotError(.notFound, "m2grl binary not found near \(candidates.map(\.path)); build it or set M2GRL_BINARY")
    }

    /// Runs `m2grl export`, returning its exit status and stderr.
    static func export(bundle: URL, root: URL, crashAt: String?) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = try m2grlBinary()
        p.arguments = ["export", "--bundle", bundle.path, "--snapshots", root.path, "--quiet"]
        var env = ProcessInfo.processInfo.environment
        env["M2GRL_CRASH_AT"] = crashAt
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    @Test func killedAtEachStepLeavesCurrentValid() throws {
        let scratch = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bundleDir = scratch.appendingPathComponent("bundle")
        // Any attachment travels; `m2grl export` refuses a diversity.json that is not a model.
        try TestSupport.bundle(items: 300, dimension: 8, attachments: ["notes.json": Data("{}".utf8)]).write(to: bundleDir)
        let root = scratch.appendingPathComponent("snapshots")
        let store = SnapshotStore(root: root)

        let (status, stderr) = try Self.export(bundle: bundleDir, root: root, crashAt: nil)
        #expect(status == 0, "\(stderr)")
        var current = try #require(try store.currentVersion())

        for step in PublishStep.allCases {
            let (status, stderr) = try Self.export(bundle: bundleDir, root: root, crashAt: step.rawValue)
            #expect(status == 86, "step \(step.rawValue): exit \(status) \(stderr)")
            let after = try #require(try store.currentVersion())
            if step == .switched {
                #expect(after != current, "the switch completed before the crash")
            } else {
                #expect(after == current, "step \(step.rawValue) moved current")
            }
            let loaded = try store.loadCurrent()
            #expect(loaded.version == after)
            #expect(loaded.views.count == 3)
            current = after

            // The next run cleans up and publishes.
            let (next, nextErr) = try Self.export(bundle: bundleDir, root: root, crashAt: nil)
            #expect(next == 0, "after \(step.rawValue): \(nextErr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
            #expect(!names.contains { $0.hasPrefix(".tmp-") || $0.hasPrefix(".current.tmp-") }, "leftovers after \(step.rawValue): \(names)")
            current = try #require(try store.currentVersion())
            #expect(try store.loadCurrent().version == current)
        }
        // Every completed directory is a loadable version.
        for v in try store.list() { _ = try LoadedSnapshot.load(from: root.appendingPathComponent(v)) }
    }

    /// SIGKILL at arbitrary moments (not only at named steps) never breaks `current`.
    @Test func sigkillAtRandomMomentsLeavesCurrentValid() throws {
        let scratch = TestSupport.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bundleDir = scratch.appendingPathComponent("bundle")
        try TestSupport.bundle(items: 3000, dimension: 16).write(to: bundleDir)
        let root = scratch.appendingPathComponent("snapshots")
        let store = SnapshotStore(root: root)
        #expect(try Self.export(bundle: bundleDir, root: root, crashAt: nil).0 == 0)
        for delay in [0.02, 0.05, 0.1, 0.15, 0.2, 0.3] {
            let p = Process()
            p.executableURL = try Self.m2grlBinary()
            p.arguments = ["export", "--bundle", bundleDir.path, "--snapshots", root.path, "--quiet"]
            p.standardOutput = Pipe()
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            #expect(try store.loadCurrent().views.count == 3, "after kill at \(delay) s")
        }
        #expect(try Self.export(bundle: bundleDir, root: root, crashAt: nil).0 == 0)
        #expect(try store.cleanUpLeftovers().isEmpty)
    }
}
