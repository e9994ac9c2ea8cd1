/// A typed error of snapshot export, publishing and loading.
///
/// Every failure names the file or view it concerns in `message`; `code` says
/// what went wrong precisely enough for a caller (or an operator's alert) to act on.
public struct SnapshotError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Codable {
        /// A file the manifest lists (or the manifest itself) is absent.
        case missingFile
        /// A file is shorter or longer than the manifest records.
        case truncated
        /// A file's SHA-256 differs from the manifest's.
        case checksumMismatch
        /// The manifest is not valid JSON of the expected shape.
        case corruptManifest
        /// The snapshot was written by a newer format than this build reads.
        case futureFormatVersion
        /// Counts, dimensions, ids or names disagree between manifest, index and key files.
        case inconsistent
        /// Faiss could not read an index file whose checksum was fine.
        case corruptIndex
        /// An exported index's measured recall@10 is below the configured floor.
        case recallBelowFloor
        /// The bundle cannot be exported (empty table, bad id, duplicate names).
        case invalidBundle
        /// The export configuration is malformed.
        case invalidConfiguration
        /// No such snapshot version, or no `current` pointer.
        case notFound
        /// Another publisher holds the snapshot root's lock.
        case busy
        /// Building or searching an index failed.
        case index
        /// A file-system operation failed.
        case io
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SnapshotError.\(code.rawValue): \(message)" }
}
