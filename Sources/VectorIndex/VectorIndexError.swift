import CFaissShim

/// A typed error from the vector index layer.
public struct VectorIndexError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// A bad argument: k ≤ 0, a negative count, an empty factory string.
        case invalidArgument
        /// A vector or query whose length is not a multiple of the index dimension.
        case dimensionMismatch
        /// A NaN or infinite value in a vector or query.
        case nonFiniteValue
        /// Faiss refused the operation (its message is kept).
        case faiss
        case outOfMemory
        /// A file could not be opened, read or written.
        case io
        /// A file is not a valid index (truncated, corrupt, wrong type).
        case format
        /// The index needs `train` before `add` or `search`.
        case notTrained
        /// An id is already present.
        case duplicateID
        /// An id is not present.
        case notFound
        /// The index type does not support this operation.
        case unsupported
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "VectorIndexError.\(code.rawValue): \(message)" }

    /// Maps a shim status code and the thread's last Faiss message.
    static func fromShim(_ status: Int32, _ context: String) -> VectorIndexError {
        let message = String(cString: m2g_last_error())
        let code: Code = switch Int(status) {
        case M2G_EINVAL: .invalidArgument
        case M2G_ENOMEM: .outOfMemory
        case M2G_EIO: .io
        case M2G_EFORMAT: .format
        case M2G_ENOTTRAINED: .notTrained
        case M2G_EDUPLICATE: .duplicateID
        case M2G_ENOTFOUND: .notFound
        case M2G_EUNSUPPORTED: .unsupported
        default: .faiss
        }
        return VectorIndexError(code, message.isEmpty ? context : "\(context): \(message)")
    }
}

@inline(__always)
func check(_ status: Int32, _ context: @autoclosure () -> String) throws(VectorIndexError) {
    if Int(status) != M2G_OK { throw VectorIndexError.fromShim(status, context()) }
}
