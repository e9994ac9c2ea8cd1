import Foundation
import Snapshot
import Synchronization
import Testing
@testable import M2GRLRebuild

/// A bad newest day fails the run at `prepare` with the live snapshot untouched and served,
/// and a damaged `current` pointer is repaired by rolling back to a named version.
@Suite(.serialized) struct BadInputRebuildTests {
    /// Gzips `source` into `destination` with the system gzip.
    static func gzip(_ source: URL, to destination: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", source.path]
        FileManager.default.createFile(atPath: destination.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: destination)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func truncatedGzipNewestDayFailsBeforeAnythingIsPublished() throws {
        var (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        let server = try f.startServer()
        defer { server.stop() }
        let day = f.generated[2]
        let gz = URL(fileURLWithPath: f.configuration.inputDirectory).appendingPathComponent(day.lastPathComponent + ".gz")
        try Self.gzip(day, to: gz)
        let whole = try Data(contentsOf: gz)
        try whole.prefix(whole.count * 2 / 3).write(to: gz)  // a copy cut short
        let report = try f.runner().run()
        #expect(report.status == .failed)
        #expect(report.exitStatus == RebuildError.exitStatus(for: .stepFailed))
        #expect(report.steps.last?.name == "prepare" && report.steps.last?.ok == false)
        #expect(report.reason?.contains("truncated gzip") == true, "\(report.reason ?? "")")
        #expect(report.publishedVersion == nil)
        #expect(try f.store.currentVersion() == v1)
        #expect(try f.store.list() == [v1])
        #expect(server.snapshotVersion == v1)
    }

    @Test func rollbackToANamedVersionRepairsALoopedPointer() throws {
        let (f, v1) = try RebuildFixture.published()
        defer { f.remove() }
        let link = f.paths.snapshots.appendingPathComponent(SnapshotStore.currentName)
        try FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: SnapshotStore.currentName)
        #expect(throws: RebuildError.self) { try RebuildRollback(configuration: f.configuration).run() }
        var rollback = RebuildRollback(configuration: f.configuration)
        let lines = LogLines()
        rollback.log = { line in lines.append(line) }
        let outcome = try rollback.run(to: v1)
        #expect(outcome.current == v1)
        #expect(try f.store.currentVersion() == v1)
        #expect(lines.all.contains { $0.contains("symlink loop") })
    }
}

/// Log lines collected from a `@Sendable` callback.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
