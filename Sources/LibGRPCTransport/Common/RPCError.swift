/// An RPC that ended with a non-OK status, or could not run at all.
///
/// Handlers throw it to choose the status their RPC ends with; clients receive it when the peer
/// ended the RPC with a non-OK status or the connection failed (then the code is `UNAVAILABLE`, so
/// callers can back off and retry). Equality ignores `cause`.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code the RPC ended with.
    public var code: Status.Code
    /// The status message.
    public var message: String
    /// Trailing metadata that came with the status, if any.
    public var metadata: Metadata
    /// The underlying error, when there is one.
    public var cause: (any Error)?

    /// An error with the given code and message.
    public init(code: Status.Code, message: String, metadata: Metadata = [:], cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    /// An error from a non-OK status.
    public init(status: Status, metadata: Metadata = [:]) {
        self.init(code: status.code, message: status.message, metadata: metadata)
    }

    /// The status this error ends an RPC with.
    public var status: Status { Status(code: code, message: message) }

    public var description: String {
        var text = "\(code): \"\(message)\""
        if let cause { text += " (cause: \(cause))" }
        return text
    }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(metadata)
    }
}

/// An error raised while starting or running a server or channel, as opposed to one RPC's failure.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case bindFailed = "bind failed"
            case invalidCredentials = "invalid credentials"
            case alreadyRunning = "already running"
            case notRunning = "not running"
            case channelClosed = "channel closed"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A listening address could not be bound.
        public static let bindFailed = Code(.bindFailed)
        /// TLS material could not be read or was rejected.
        public static let invalidCredentials = Code(.invalidCredentials)
        /// `run()` was called twice.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// The server is not running (it stopped, or never started).
        public static let notRunning = Code(.notRunning)
        /// The channel was closed.
        public static let channelClosed = Code(.channelClosed)

        public var description: String { value.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// Details, naming the address or file involved.
    public var message: String

    /// An error with a code and a message.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \"\(message)\"" }
}
