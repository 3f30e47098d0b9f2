/// The handlers of a server, by full method path (`/package.Service/Method`).
public struct Router: Sendable {
    /// Handles a bidirectional (or client-, server-streaming) RPC. It reads requests from the stream,
    /// sends responses, and returns the trailing metadata of an OK status; throwing an `RPCError`
    /// ends the RPC with that status instead. The RPC lives exactly as long as the handler runs.
    public typealias StreamHandler = @Sendable (ServerStream) async throws -> Metadata

    /// Handles a unary RPC: one request in, one response out.
    public typealias UnaryHandler = @Sendable (_ request: [UInt8], _ context: ServerContext) async throws -> [UInt8]

    private(set) var handlers: [String: StreamHandler] = [:]

    /// An empty router: every method is UNIMPLEMENTED.
    public init() {}

    /// Registers a streaming handler for `method`, replacing any earlier one.
    public mutating func register(_ method: String, handler: @escaping StreamHandler) {
        handlers[method] = handler
    }

    /// Registers a unary handler for `method`, replacing any earlier one.
    public mutating func registerUnary(_ method: String, handler: @escaping UnaryHandler) {
        handlers[method] = { stream in
            var requests = stream.requests.makeAsyncIterator()
            guard let request = try await requests.next() else {
                throw RPCError(code: .internal, message: "unary call to \(method) ended without a request")
            }
            try await stream.send(try await handler(request, stream.context))
            return [:]
        }
    }

    /// The handler for `method`, if registered.
    func handler(for method: String) -> StreamHandler? {
        handlers[method]
    }
}
