/// One RPC as its handler sees it: the context, the request messages, and a way to send responses.
public struct ServerStream: Sendable {
    /// The method, metadata and peer of the RPC.
    public let context: ServerContext
    private let call: ServerCall

    init(context: ServerContext, call: ServerCall) {
        self.context = context
        self.call = call
    }

    /// The request messages, in order. Each element is read from the network only when asked for,
    /// so HTTP/2 flow control holds back a fast client. The sequence ends when the client
    /// half-closes, and throws when the RPC is cancelled. Iterate it from one task at a time.
    public var requests: Requests { Requests(call: call) }

    /// Sends one response message. Waits until core has taken the previous one (and this one), so a
    /// slow peer applies backpressure to the sender. Safe to call from several tasks: sends go out
    /// one at a time, in call order.
    /// - Throws: `RPCError` with code `CANCELLED` when the peer went away.
    public func send(_ message: [UInt8]) async throws {
        try await call.send(message)
    }

    /// Sends a payload built once and shared: core takes a reference instead of copying the
    /// bytes. Same ordering, backpressure and errors as `send(_:)` with bytes.
    public func send(_ payload: Payload) async throws {
        try await call.send(payload)
    }

    /// Sets metadata to send before the first response (call before the first `send`).
    public func setInitialMetadata(_ metadata: Metadata) {
        call.setInitialMetadata(metadata)
    }

    /// The request messages of an RPC.
    public struct Requests: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        fileprivate let call: ServerCall

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(call: call)
        }

        /// Reads one message per `next()`.
        public struct AsyncIterator: AsyncIteratorProtocol {
            fileprivate let call: ServerCall
            private var finished = false

            fileprivate init(call: ServerCall) {
                self.call = call
            }

            public mutating func next() async throws -> [UInt8]? {
                guard !finished else { return nil }
                let message = try await call.receive()
                finished = message == nil
                return message
            }
        }
    }
}
