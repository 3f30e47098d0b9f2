internal import CLibGRPC
import Synchronization

/// Owns one `grpc_call*`: starts batches on it, cancels it, and unrefs it exactly once.
///
/// The call is unreferenced when its owner has called `release()` *and* no batch is in flight, so a
/// batch that completes after the owner gave up (a receive abandoned by cancellation) still finds
/// the call alive, and `cancel()` can never race the unref.
final class CallHandle: @unchecked Sendable {
    // @unchecked: `call` is immutable and only used under `state`'s lock or while a batch holds
    // the call alive (inFlight > 0); core's call API is thread-safe for cancel and for batches
    // of different kinds, and each caller uses one send lane and one receive lane.

    private let call: OpaquePointer
    private let state = Mutex(State())

    private struct State {
        var inFlight = 0
        var released = false
        var unreferenced = false
    }

    /// Takes ownership of a `grpc_call*` (one reference).
    init(call: OpaquePointer) {
        self.call = call
    }

    deinit {
        assert(withState { $0.unreferenced }, "a call was dropped without release()")
    }

    /// Starts a batch configured by `configure` and waits for its completion.
    ///
    /// - Returns: the completed tag (check `success`); nil if core refused to start the batch
    ///   because the call is already finished.
    func run(_ configure: (UnsafeMutablePointer<CLibGRPC_batch>) -> Void) async -> BatchTag? {
        let tag = await withUnsafeContinuation { (continuation: UnsafeContinuation<BatchTag?, Never>) in
            if !start(configure, waiter: .task(continuation)) { continuation.resume(returning: nil) }
        }
        if let tag { ThreadSanitizer.acquire(tag) }
        return tag
    }

    /// Starts a batch now and hands its completed tag to `callback` on the poller thread.
    ///
    /// - Returns: false (and never calls `callback`) if core refused the batch because the call is
    ///   already finished.
    func start(
        _ configure: (UnsafeMutablePointer<CLibGRPC_batch>) -> Void,
        callback: @escaping @Sendable (BatchTag) -> Void
    ) -> Bool {
        start(configure, waiter: .callback(callback))
    }

    private func start(_ configure: (UnsafeMutablePointer<CLibGRPC_batch>) -> Void, waiter: BatchTag.Waiter) -> Bool {
        let tag = BatchTag(onComplete: { [self] in self.batchFinished() })
        configure(tag.batch)
        tag.arm(waiter)
        let refusal: grpc_call_error? = withState { state in
            guard !state.unreferenced else { return GRPC_CALL_ERROR_ALREADY_FINISHED }
            let pointer = tag.retainedPointer()
            // grpc_call_start_batch does not call back into us synchronously, so holding the
            // lock here cannot deadlock; it keeps the unref from racing this start.
            let result = CLibGRPC_batch_start(call, tag.batch, pointer)
            if result == GRPC_CALL_OK {
                state.inFlight += 1
                return nil
            }
            CompletionTag.abandon(pointer)
            return result
        }
        guard let refusal else { return true }
        // Documented results: OK; ALREADY_FINISHED/ERROR when the call is over (a runtime
        // condition); TOO_MANY_OPERATIONS, INVALID_FLAGS, NOT_ON_* and friends are our bugs.
        precondition(
            refusal == GRPC_CALL_ERROR_ALREADY_FINISHED || refusal == GRPC_CALL_ERROR,
            "grpc_call_start_batch refused a batch: \(refusal.rawValue)"
        )
        return false
    }

    /// Cancels the call (thread-safe, idempotent). Pending batches then complete, unsuccessfully.
    func cancel() {
        withState { state in
            guard !state.unreferenced else { return }
            _ = grpc_call_cancel(call, nil)
        }
    }

    /// Cancels the call with a status that this side reports (the peer is not told the details).
    func cancel(with status: Status) {
        withState { state in
            guard !state.unreferenced else { return }
            _ = grpc_call_cancel_with_status(
                call,
                grpc_status_code(rawValue: Int32(status.code.rawValue)),
                status.message,
                nil
            )
        }
    }

    /// The owner is done with the call; it is unreferenced once no batch is in flight.
    func release() {
        let unref = withState { state -> Bool in
            precondition(!state.released, "CallHandle.release() called twice")
            state.released = true
            return markUnreferencedIfIdle(&state)
        }
        if unref { grpc_call_unref(call) }
    }

    /// Reads something from the live call (peer, auth context) under the lock.
    func withCall<Result>(_ body: (OpaquePointer) -> Result) -> Result? {
        withState { state in
            state.unreferenced ? nil : body(call)
        }
    }

    private func batchFinished() {
        let unref = withState { state -> Bool in
            state.inFlight -= 1
            return markUnreferencedIfIdle(&state)
        }
        if unref { grpc_call_unref(call) }
    }

    /// `state.withLock`, with the lock's hand-over shown to ThreadSanitizer: a batch completing on
    /// the poller thread contends here with its starter.
    private func withState<Result>(_ body: (inout State) -> Result) -> Result {
        state.withLock { state in ThreadSanitizer.ordered(by: self) { body(&state) } }
    }

    private func markUnreferencedIfIdle(_ state: inout State) -> Bool {
        guard state.released, state.inFlight == 0, !state.unreferenced else { return false }
        state.unreferenced = true
        return true
    }
}
