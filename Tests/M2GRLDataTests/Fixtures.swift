import Foundation
@testable import M2GRLData

/// Temporary files and directories for tests.
enum Fixtures {
    /// A fresh empty directory.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("m2grl-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func file(_ text: String, name: String = "log.tsv") throws -> String {
        let url = try directory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Reads a TSV log given as rows of tab-joined fields.
    static func log(_ lines: [String], options: LogReadOptions = LogReadOptions()) throws -> EventLog {
        try EventLogReader.read(files: [file(lines.joined(separator: "\n") + "\n")], options: options)
    }

    /// The sequences of a view as external-id strings.
    static func sequences(_ view: ViewData) -> [[String]] {
        (0..<view.sequences.count).map { s in view.sequences[s].map { view.vocabulary[Int($0)] } }
    }

    /// Edges as "a>b:count" strings in external ids.
    static func edges(_ view: ViewData) -> Set<String> {
        Set(view.edges.map { "\(view.vocabulary[Int($0.source)])>\(view.vocabulary[Int($0.target)]):\($0.count)" })
    }
}
