internal import CLibGRPC
import Synchronization

/// A client connection to `host:port` on the gRPC C core, with its own completion queue.
///
/// Core connects lazily and reconnects with backoff; an RPC started while the server is
/// unreachable fails fast with `UNAVAILABLE`, so callers decide how to back off and retry. Call
/// `close()` when done: it cancels open RPCs, waits for them to end, and destroys the channel.
public final class GRPCChannel: Sendable {
    /// The target, `host:port`.
    public let target: String
    private let queue: CompletionQueue
    private let state: Mutex<State>

    private enum State {
        case open(CorePointer, calls: [Int: CallHandle], nextID: Int)
        case closing(CorePointer, calls: [Int: CallHandle], waiter: CheckedContinuation<Void, Never>?)
        case closed
    }

    /// A channel to `target` (`host:port`).
    /// - Throws: `TransportError` (`invalidCredentials`) when the TLS material is rejected.
    public init(target: String, configuration: Configuration = .defaults) throws {
        GRPCLibrary.acquire()
        var arguments = ChannelArguments()
        arguments.set(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, configuration.maxReceiveMessageBytes)
        arguments.set(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, configuration.maxSendMessageBytes)
        arguments.set(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, configuration.reconnectBackoff.initial.milliseconds)
        arguments.set(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, configuration.reconnectBackoff.initial.milliseconds)
        arguments.set(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, configuration.reconnectBackoff.maximum.milliseconds)
        configuration.keepalive.apply(to: &arguments)
        if let authority = configuration.authority { arguments.set(GRPC_ARG_DEFAULT_AUTHORITY, authority) }
        if let name = configuration.tls?.serverNameOverride { arguments.set(GRPC_SSL_TARGET_NAME_OVERRIDE_ARG, name) }

        let credentials: OpaquePointer?
        if let tls = configuration.tls {
            credentials = CLibGRPC_ssl_channel_credentials(tls.rootCertificates, tls.certificateChain, tls.privateKey)
        } else {
            credentials = grpc_insecure_credentials_create()
        }
        guard let credentials else {
            GRPCLibrary.release()
            throw TransportError(code: .invalidCredentials, message: "TLS material for \(target) was rejected")
        }
        defer { grpc_channel_credentials_release(credentials) }
        let channel = arguments.withCArguments { grpc_channel_create(target, credentials, $0)! }
        self.target = target
        self.queue = CompletionQueue(name: "grpc-client-cq")
        self.state = Mutex(.open(CorePointer(raw: channel), calls: [:], nextID: 0))
    }

    deinit {
        assert(state.withLock { if case .closed = $0 { true } else { false } }, "GRPCChannel dropped without close()")
    }

    /// Runs a streaming RPC for as long as `body` runs.
    ///
    /// When `body` returns or throws before the RPC ended, the RPC is cancelled. The call's
    /// resources are released before this returns.
    /// - Parameters:
    ///   - method: the full method path, `/package.Service/Method`.
    ///   - metadata: request metadata (for example `authorization`).
    ///   - timeout: the RPC's deadline, from now; nil for none.
    /// - Throws: what `body` throws; `TransportError` (`channelClosed`) after `close()`.
    public func withStream<Result: Sendable>(
        method: String,
        metadata: Metadata = [:],
        timeout: Duration? = nil,
        _ body: (ClientStream) async throws -> Result
    ) async throws -> Result {
        let (id, handle) = try startCall(method: method, timeout: timeout)
        defer { finishCall(id: id, handle: handle) }
        // Initial metadata must go out before any message, so this batch starts before `body`
        // runs; it completes (with the status) only when the RPC is over.
        let promise = StatusPromise()
        let started = handle.start({ batch in
            metadata.withCArrays { keys, values, lengths, count in
                CLibGRPC_batch_add_send_initial_metadata(batch, keys, values, lengths, count)
            }
            CLibGRPC_batch_add_recv_status_on_client(batch)
        }, callback: { tag in
            promise.fulfil(tag.receivedStatus, tag.receivedTrailingMetadata)
        })
        if !started { promise.fulfil(Status(code: .cancelled, message: "the call could not start"), [:]) }
        let stream = ClientStream(handle: handle, status: promise)
        do {
            let result = try await body(stream)
            handle.cancel()  // a no-op when the RPC already ended
            _ = await promise.value()
            return result
        } catch {
            handle.cancel()
            _ = await promise.value()
            throw error
        }
    }

    /// Makes a unary RPC.
    /// - Throws: `RPCError` with the RPC's status when it did not end with OK and one response.
    public func unary(
        method: String,
        request: [UInt8],
        metadata: Metadata = [:],
        timeout: Duration? = nil
    ) async throws -> [UInt8] {
        try await withStream(method: method, metadata: metadata, timeout: timeout) { stream in
            try await stream.send(request)
            try await stream.finishSending()
            guard let response = try await stream.receive() else {
                throw RPCError(code: .internal, message: "\(method) ended with OK but sent no response")
            }
            while try await stream.receive() != nil {}
            return response
        }
    }

    /// Cancels every open RPC, waits for them to end, and destroys the channel. Idempotent.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (calls, readyNow) = state.withLock { state -> ([CallHandle], Bool) in
                switch state {
                case .open(let channel, let calls, _):
                    state = .closing(channel, calls: calls, waiter: calls.isEmpty ? nil : continuation)
                    return (Array(calls.values), calls.isEmpty)
                case .closing, .closed:
                    return ([], true)
                }
            }
            for call in calls { call.cancel() }
            if readyNow { continuation.resume() }
        }
        let channel = state.withLock { state -> CorePointer? in
            guard case .closing(let channel, _, _) = state else { return nil }
            state = .closed
            return channel
        }
        guard let channel else { return }
        grpc_channel_destroy(channel.raw)
        await queue.shutdown()
        GRPCLibrary.release()
    }

    private func startCall(method: String, timeout: Duration?) throws -> (Int, CallHandle) {
        try state.withLock { state in
            guard case .open(let channel, var calls, let id) = state else {
                throw TransportError(code: .channelClosed, message: "the channel to \(target) is closed")
            }
            let methodSlice = CLibGRPC_slice_from_string(method)
            defer { grpc_slice_unref(methodSlice) }
            let deadline = CLibGRPC_deadline_after_ms(Int64(timeout?.milliseconds ?? -1))
            // The parent call is nil, so no propagation mask applies.
            let call = grpc_channel_create_call(
                channel.raw, nil, 0, queue.pointer, methodSlice, nil, deadline, nil)!
            let handle = CallHandle(call: call)
            calls[id] = handle
            state = .open(channel, calls: calls, nextID: id + 1)
            return (id, handle)
        }
    }

    private func finishCall(id: Int, handle: CallHandle) {
        handle.release()
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state {
            case .open(let channel, var calls, let next):
                calls[id] = nil
                state = .open(channel, calls: calls, nextID: next)
                return nil
            case .closing(let channel, var calls, let waiter):
                calls[id] = nil
                state = .closing(channel, calls: calls, waiter: calls.isEmpty ? nil : waiter)
                return calls.isEmpty ? waiter : nil
            case .closed:
                return nil
            }
        }
        waiter?.resume()
    }
}
