/// Why a rebuild, rollback or status call failed; `code` maps to the documented exit status.
public struct RebuildError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Failure classes. Each has a distinct process exit status (docs/REBUILD.md).
    public enum Code: String, Sendable, Codable {
        /// The configuration file is missing or invalid.
        case configuration
        /// Another rebuild holds the lock.
        case busy
        /// The input directory has no usable daily logs (or too few days).
        case input
        /// The quality gate refused the candidate; the live snapshot keeps serving.
        case gateRejected
        /// A pipeline step failed (prepare, train, export, verify, publish).
        case stepFailed
        /// The new snapshot is live but at least one server did not reload it.
        case reloadFailed
        /// Rollback: no such version, or nothing to roll back to.
        case rollback
        /// Interrupted (SIGINT/SIGTERM) before publishing.
        case interrupted
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The process exit status for this failure (0 is success; see docs/REBUILD.md).
    public var exitStatus: Int32 { Self.exitStatus(for: code) }

    /// The exit status table.
    public static func exitStatus(for code: Code) -> Int32 {
        switch code {
        case .configuration: 78  // EX_CONFIG
        case .busy: 75  // EX_TEMPFAIL: try again later
        case .input: 66  // EX_NOINPUT
        case .gateRejected: 3
        case .stepFailed: 4
        case .reloadFailed: 5
        case .rollback: 6
        case .interrupted: 130
        }
    }
}
