/// The outcome of an RPC: a gRPC status code and a human-readable message.
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// The status code.
    public var code: Code
    /// A message for people; empty when there is nothing to add.
    public var message: String

    /// A status with the given code and message.
    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The status of an RPC that succeeded.
    public static let ok = Status(code: .ok)

    public var description: String {
        message.isEmpty ? "\(code)" : "\(code): \"\(message)\""
    }
}

extension Status {
    /// A gRPC status code (the sixteen codes of the gRPC specification). A struct rather than an enum,
    /// so that a code outside the known set received from a peer is kept, not lost.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The numeric value carried on the wire.
        public let rawValue: Int

        /// A code from its wire value.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        public static let ok = Code(rawValue: 0)
        public static let cancelled = Code(rawValue: 1)
        public static let unknown = Code(rawValue: 2)
        public static let invalidArgument = Code(rawValue: 3)
        public static let deadlineExceeded = Code(rawValue: 4)
        public static let notFound = Code(rawValue: 5)
        public static let alreadyExists = Code(rawValue: 6)
        public static let permissionDenied = Code(rawValue: 7)
        public static let resourceExhausted = Code(rawValue: 8)
        public static let failedPrecondition = Code(rawValue: 9)
        public static let aborted = Code(rawValue: 10)
        public static let outOfRange = Code(rawValue: 11)
        public static let unimplemented = Code(rawValue: 12)
        public static let `internal` = Code(rawValue: 13)
        public static let unavailable = Code(rawValue: 14)
        public static let dataLoss = Code(rawValue: 15)
        public static let unauthenticated = Code(rawValue: 16)

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
            "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
        ]

        /// The canonical upper-case name (`UNAVAILABLE`), or `CODE(n)` for an unknown value.
        public var description: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE(\(rawValue))"
        }
    }
}
