import Foundation
import M2GRLCore
import Testing

/// One output check (exists/creatable, then a probe file) for prepare, train and train-diversity.
@Suite struct OutputPathCheckTests {
    @Test func createsOnlyWhenAskedAndProbesExistingDirectories() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outcheck-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let nested = dir.appendingPathComponent("a/b")
        #expect(OutputPathCheck.prepare(nested, create: false) == nil)
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        #expect(OutputPathCheck.prepare(nested, create: true) == nil)
        #expect(FileManager.default.fileExists(atPath: nested.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: nested.path).isEmpty, "the probe file is removed")
        #expect(OutputPathCheck.prepare(nested, create: false) == nil)

        let file = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        #expect(OutputPathCheck.prepare(file, create: true)?.contains("is a file, not a directory") == true)
        #expect(OutputPathCheck.prepare(file.appendingPathComponent("x"), create: true)?.contains("\(file.path) is a file") == true)
    }

    /// Tests run as root, so permission bits cannot make a read-only directory; /proc/self is a
    /// directory in which nobody, root included, can create a file.
    @Test func anExistingDirectoryThatRefusesFilesIsReportedUpFront() throws {
        let proc = URL(fileURLWithPath: "/proc/self")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: proc.path, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        for create in [false, true] {
            let problem = OutputPathCheck.prepare(proc, create: create)
            #expect(problem?.contains("is not writable") == true, "\(String(describing: problem))")
        }
    }
}
