/// A typed failure of the server outside the wire (configuration, bind, snapshot load).
public struct ServerError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// A bad setting in the configuration file, environment or flags.
        case configuration
        /// The listening socket could not be created or bound.
        case bind
        /// The snapshot could not be loaded.
        case snapshot
        /// The server is not in a state for this call (e.g. started twice).
        case state
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
