internal import CLibGRPC

/// The tag of one `grpc_call_start_batch`: it owns the batch's C storage (ops, buffers to send,
/// slots core fills in) and says what to do when core returns it: resume a waiting task, or hand
/// the results to a callback (for a batch nobody awaits inline, such as a client's status).
final class BatchTag: CompletionTag, @unchecked Sendable {
    // @unchecked: see `CompletionTag`. `waiter` and `onComplete` are set before the batch starts
    // and read once on the poller thread; results are read by the waiter afterwards.

    /// What happens on completion.
    enum Waiter {
        /// Resume a suspended task. Unsafe rather than checked: core returns an accepted tag
        /// exactly once (see `CompletionTag`), and this is the per-message hot path.
        case task(UnsafeContinuation<BatchTag?, Never>)
        /// Run a callback on the poller thread; it must only do bookkeeping.
        case callback(@Sendable (BatchTag) -> Void)
    }

    /// The batch storage, valid until the tag is deinitialised.
    let batch: UnsafeMutablePointer<CLibGRPC_batch>
    /// Whether core reported the batch's operations as successful.
    private(set) var success = false
    private var waiter: Waiter?
    private let onComplete: @Sendable () -> Void

    /// A tag whose `onComplete` runs (on the poller thread) before the waiter is told.
    init(onComplete: @escaping @Sendable () -> Void) {
        self.batch = .allocate(capacity: 1)
        self.onComplete = onComplete
        CLibGRPC_batch_init(batch)
    }

    deinit {
        CLibGRPC_batch_reset(batch)
        batch.deallocate()
    }

    /// Sets what to do on completion; called once, before the batch starts.
    func arm(_ waiter: Waiter) {
        self.waiter = waiter
    }

    override func complete(success: Bool) {
        self.success = success
        onComplete()
        guard let waiter else { preconditionFailure("batch completed before it was armed") }
        self.waiter = nil
        switch waiter {
        case .task(let continuation):
            // Publishes the results to the resumed task, which acquires them in `CallHandle.run`.
            ThreadSanitizer.release(self)
            continuation.resume(returning: self)
        case .callback(let callback): callback(self)
        }
    }

    // MARK: Results

    /// The received message: nil when the stream ended (or the batch failed) instead.
    var receivedMessage: [UInt8]? {
        guard let buffer = batch.pointee.recv_message else { return nil }
        return [UInt8](byteBuffer: buffer)
    }

    /// The status received by a client.
    var receivedStatus: Status {
        var details = batch.pointee.recv_status_details
        let message = String(slice: &details)
        return Status(code: Status.Code(rawValue: Int(batch.pointee.recv_status.rawValue)), message: message)
    }

    /// Trailing metadata received by a client.
    var receivedTrailingMetadata: Metadata {
        Metadata(array: &batch.pointee.recv_trailing_metadata)
    }

    /// Initial metadata received by a client.
    var receivedInitialMetadata: Metadata {
        Metadata(array: &batch.pointee.recv_initial_metadata)
    }

    /// For RECV_CLOSE_ON_SERVER: whether the call ended without the server's status (cancelled by
    /// the peer, deadline, network failure).
    var wasCancelled: Bool { batch.pointee.recv_cancelled != 0 }
}
