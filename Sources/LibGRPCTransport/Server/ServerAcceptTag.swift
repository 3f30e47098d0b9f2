internal import CLibGRPC

/// One outstanding `grpc_server_request_call`: owns the slots core fills for the next call.
final class ServerAcceptTag: CompletionTag, @unchecked Sendable {
    // @unchecked: `request` is written by core while pending and read once by the poller.

    private let request: UnsafeMutablePointer<CLibGRPC_request_call>
    private let onAccept: @Sendable (Accepted?) -> Void

    /// What one completed request-call delivers.
    struct Accepted: Sendable {
        let handle: CallHandle
        let method: String
        let metadata: Metadata
    }

    /// A token whose completion calls `onAccept` with the new call, or nil when it failed (the
    /// server is shutting down).
    init(onAccept: @escaping @Sendable (Accepted?) -> Void) {
        request = .allocate(capacity: 1)
        CLibGRPC_request_call_init(request)
        self.onAccept = onAccept
    }

    deinit {
        CLibGRPC_request_call_reset(request)
        request.deallocate()
    }

    /// Asks `server` for the next call on `queue`. Core must accept (it only refuses our own misuse).
    func start(server: OpaquePointer, queue: CompletionQueue) {
        let pointer = retainedPointer()
        let result = CLibGRPC_server_request_call(server, request, queue.pointer,
                                           pointer)
        // Documented results: OK, or NOT_SERVER_COMPLETION_QUEUE for an unregistered queue (our bug).
        precondition(result == GRPC_CALL_OK, "grpc_server_request_call failed: \(result.rawValue)")
    }

    override func complete(success: Bool) {
        guard success, let call = request.pointee.call else {
            onAccept(nil)
            return
        }
        onAccept(
            Accepted(
                handle: CallHandle(call: call),
                method: String(slice: &request.pointee.details.method),
                metadata: Metadata(array: &request.pointee.request_metadata)
            )
        )
    }
}

/// A tag that runs a closure on completion (server shutdown notification).
final class NotifyTag: CompletionTag, @unchecked Sendable {
    private let action: @Sendable () -> Void

    init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
    }

    override func complete(success: Bool) {
        action()
    }
}
