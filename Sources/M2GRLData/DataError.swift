/// A typed error of the data pipeline: reading logs, preparing and storing datasets.
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Codable {
        /// An input file or directory does not exist.
        case fileNotFound
        /// An input file exists but cannot be opened or read.
        case unreadable
        /// An input file has no header or no content at all.
        case emptyInput
        /// A log header lacks a required column (user, item, timestamp) or repeats one.
        case missingColumns
        /// A malformed line while running with `--on-error fail`.
        case malformedLine
        /// An option or argument out of its domain.
        case invalidArgument
        /// A dataset directory lacks its manifest or one of the files the manifest lists.
        case missingDatasetFile
        /// A dataset file whose size or checksum disagrees with the manifest, or whose content is inconsistent.
        case corruptDatasetFile
        /// A dataset written by a newer format version than this build understands.
        case unsupportedFormatVersion
        /// A manifest that is not valid JSON or misses fields.
        case invalidManifest
        /// Writing an output file failed.
        case writeFailed
        /// The job was interrupted (SIGINT) and stopped cleanly.
        case interrupted
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
