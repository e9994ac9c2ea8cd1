/// What the load driver needs from a client connection, whatever its wire protocol: send one
/// pre-encoded request tagged with a per-connection sequence number (1, 2, …), and block for the
/// next reply, learning which sequence number it answers. One thread may send while another
/// receives (open loop).
public protocol LoadConnection: AnyObject, Sendable {
    /// Sends `request` as the request with sequence number `sequence`.
    func send(_ request: [UInt8], sequence: UInt64) throws(BenchError)
    /// Blocks for the next reply.
    func receiveReply() throws(BenchError) -> LoadReply
    /// Shuts the connection down (wakes a thread blocked in `receiveReply`).
    func shutdownBoth()
}

/// A reply as the load driver counts it.
public struct LoadReply: Sendable, Equatable {
    /// The sequence number of the request this answers.
    public var sequence: UInt64
    /// The server answered with an error.
    public var isError: Bool

    public init(sequence: UInt64, isError: Bool) {
        self.sequence = sequence
        self.isError = isError
    }
}
