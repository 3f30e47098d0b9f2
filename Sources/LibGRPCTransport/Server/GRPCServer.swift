internal import CLibGRPC
import Synchronization

/// A gRPC server on the gRPC C core.
///
/// `run()` binds the listeners, accepts calls and runs each call's handler in a child task until a
/// graceful shutdown completes; it returns once every call has ended and every core object is
/// destroyed. Shutdown follows grpc.h's order: stop accepting (`grpc_server_shutdown_and_notify`),
/// let open calls finish within the grace period, cancel the rest, await the notification, destroy
/// the server, then shut down and drain the completion queues.
public final class GRPCServer: Sendable {
    private let configuration: Configuration
    private let router: Router
    private let state = Mutex(State.idle(IdleState()))

    /// A server with the given listeners and handlers; nothing happens until `run()`.
    public init(configuration: Configuration, router: Router) {
        self.configuration = configuration
        self.router = router
    }

    /// Runs the server until a graceful shutdown (or cancellation of the calling task) completes.
    /// - Throws: `TransportError` when a listener cannot be bound or the server already ran.
    public func run() async throws {
        try state.withLock { state in
            guard case .idle(var idle) = state else {
                throw TransportError(code: .alreadyRunning, message: "GRPCServer.run() called more than once")
            }
            idle.starting = true
            state = .idle(idle)
        }
        GRPCLibrary.acquire()
        let started: Started
        do {
            started = try await start()
        } catch {
            fail(with: error)
            GRPCLibrary.release()
            throw error
        }
        await withTaskCancellationHandler {
            await serve(started.calls)
        } onCancel: {
            beginGracefulShutdown(gracePeriod: .zero)
        }
        let server = state.withLock { state -> OpaquePointer? in
            defer { state = .stopped }
            if case .running(let running) = state { return running.server.raw }
            return nil
        }
        if let server { grpc_server_destroy(server) }
        for queue in started.queues { await queue.shutdown() }
        GRPCLibrary.release()
    }

    /// Waits until the server is listening and returns its bound ports, in listener order (useful
    /// with port 0). Throws `TransportError` if the server failed to start or has stopped.
    public func listeningPorts() async throws -> [Int] {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<[Int], any Error>? = state.withLock { state in
                switch state {
                case .idle(var idle):
                    if let failure = idle.failure { return .failure(failure) }
                    idle.portWaiters.append(continuation)
                    state = .idle(idle)
                    return nil
                case .running(let running):
                    return .success(running.ports)
                case .stopped:
                    return .failure(TransportError(code: .notRunning, message: "the server has stopped"))
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Stops accepting calls; open calls may finish within the configured grace period, after which
    /// they are cancelled. Returns at once; `run()` returns when shutdown is complete.
    public func beginGracefulShutdown() {
        beginGracefulShutdown(gracePeriod: configuration.shutdownGracePeriod)
    }

    /// Begins (or hurries) a graceful shutdown with the given grace period.
    public func beginGracefulShutdown(gracePeriod: Duration) {
        let action = state.withLock { state -> ShutdownAction in
            switch state {
            case .idle(var idle):
                idle.requestedGracePeriod = min(idle.requestedGracePeriod ?? gracePeriod, gracePeriod)
                state = .idle(idle)
                return .none
            case .running(var running):
                let first = running.requestedGracePeriod == nil
                running.requestedGracePeriod = min(running.requestedGracePeriod ?? gracePeriod, gracePeriod)
                if first {
                    let finish = running.calls
                    grpc_server_shutdown_and_notify(
                        running.server.raw, running.queues[0].pointer,
                        NotifyTag { finish.finish() }.retainedPointer()
                    )
                }
                let waiter = running.graceWaiter
                running.graceWaiter = nil
                state = .running(running)
                return waiter.map { .startGrace($0, running.requestedGracePeriod!) } ?? .none
            case .stopped:
                return .none
            }
        }
        if case .startGrace(let waiter, let grace) = action { waiter.resume(returning: grace) }
    }
}

// MARK: - Starting and serving

extension GRPCServer {
    private struct Started {
        let queues: [CompletionQueue]
        let calls: AsyncStream<ServerCall>
    }

    private func start() async throws -> Started {
        var arguments = ChannelArguments()
        arguments.set(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, configuration.maxReceiveMessageBytes)
        arguments.set(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, configuration.maxSendMessageBytes)
        arguments.set(GRPC_ARG_MAX_CONCURRENT_STREAMS, configuration.maxConcurrentStreamsPerConnection)
        arguments.set(GRPC_ARG_TCP_MAX_READ_CHUNK_SIZE, configuration.maxReadChunkBytes)
        // Without this, core sets SO_REUSEPORT and a second server on the same port "succeeds".
        arguments.set(GRPC_ARG_ALLOW_REUSEPORT, 0)
        configuration.keepalive.apply(to: &arguments)
        let server = arguments.withCArguments { grpc_server_create($0, nil)! }
        let queues = (0..<max(1, configuration.completionQueueCount)).map {
            CompletionQueue(name: "grpc-server-cq-\($0)")
        }
        for queue in queues {
            grpc_server_register_completion_queue(server, queue.pointer, nil)
        }
        var ports: [Int] = []
        for listener in configuration.listeners {
            let port = Self.addPort(listener, to: server)
            guard port > 0 else {
                // An unstarted server may be destroyed directly; its queues hold no tags yet.
                grpc_server_destroy(server)
                for queue in queues { await queue.shutdown() }
                throw TransportError(code: .bindFailed, message: "cannot listen on \(listener.address)")
            }
            ports.append(port)
        }
        grpc_server_start(server)
        let (calls, continuation) = AsyncStream.makeStream(of: ServerCall.self)
        let (waiters, pendingShutdown) = state.withLock { state -> ([CheckedContinuation<[Int], any Error>], Duration?) in
            guard case .idle(let idle) = state else { preconditionFailure("server state changed while starting") }
            state = .running(Running(server: CorePointer(raw: server), queues: queues, ports: ports, calls: continuation))
            return (idle.portWaiters, idle.requestedGracePeriod)
        }
        for queue in queues {
            for _ in 0..<max(1, configuration.acceptTokensPerQueue) { armAcceptToken(on: queue) }
        }
        for waiter in waiters { waiter.resume(returning: ports) }
        if let pendingShutdown { beginGracefulShutdown(gracePeriod: pendingShutdown) }
        return Started(queues: queues, calls: calls)
    }

    private static func addPort(_ listener: Listener, to server: OpaquePointer) -> Int {
        let credentials: OpaquePointer
        if let tls = listener.tls {
            guard let made = CLibGRPC_ssl_server_credentials(
                tls.certificateChain, tls.privateKey, tls.clientCertificateAuthority,
                tls.requireClientCertificate ? 1 : 0)
            else { return 0 }
            credentials = made
        } else {
            credentials = grpc_insecure_server_credentials_create()!
        }
        defer { grpc_server_credentials_release(credentials) }
        return Int(grpc_server_add_http2_port(server, listener.address,
                                              credentials))
    }

    private func serve(_ calls: AsyncStream<ServerCall>) async {
        let router = self.router
        await withDiscardingTaskGroup { group in
            group.addTask { await self.enforceGracePeriod() }
            for await call in calls {
                group.addTask { await call.serve(router: router) }
            }
            // Every call has ended (core notified shutdown); stop the grace timer.
            group.cancelAll()
        }
    }

    /// Keeps one `grpc_server_request_call` outstanding on `queue` while the server accepts calls.
    private func armAcceptToken(on queue: CompletionQueue) {
        let token = ServerAcceptTag { [self] accepted in
            guard let accepted else { return }  // the server is shutting down
            let call = ServerCall(handle: accepted.handle, method: accepted.method, requestMetadata: accepted.metadata)
            let delivered = state.withLock { state -> Bool in
                guard case .running(let running) = state else { return false }
                if case .terminated = running.calls.yield(call) { return false }
                return true
            }
            if !delivered {
                accepted.handle.cancel()
                accepted.handle.release()
            }
            armAcceptToken(on: queue)
        }
        state.withLock { state in
            // Held under the lock so the server pointer cannot be destroyed mid-call; core does not
            // call back synchronously, so this cannot deadlock.
            guard case .running(let running) = state, running.requestedGracePeriod == nil else { return }
            token.start(server: running.server.raw, queue: queue)
        }
    }

    /// Waits for a shutdown to begin, then for its grace period, then cancels the calls still open.
    private func enforceGracePeriod() async {
        let grace = await withCheckedContinuation { (continuation: CheckedContinuation<Duration?, Never>) in
            let ready = state.withLock { state -> Duration?? in
                guard case .running(var running) = state else { return .some(nil) }
                if let requested = running.requestedGracePeriod { return .some(requested) }
                running.graceWaiter = continuation
                state = .running(running)
                return .none
            }
            if case .some(let grace) = ready { continuation.resume(returning: grace) }
        }
        guard let grace else { return }
        if grace > .zero {
            do { try await Task.sleep(for: grace) } catch { return }
        }
        state.withLock { state in
            guard case .running(let running) = state else { return }
            grpc_server_cancel_all_calls(running.server.raw)
        }
    }

    private func fail(with error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<[Int], any Error>] in
            guard case .idle(var idle) = state else { return [] }
            let waiters = idle.portWaiters
            idle.portWaiters = []
            idle.failure = error
            state = .idle(idle)
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}

// MARK: - State

extension GRPCServer {
    private enum State {
        case idle(IdleState)
        case running(Running)
        case stopped
    }

    private struct IdleState {
        var starting = false
        var portWaiters: [CheckedContinuation<[Int], any Error>] = []
        var requestedGracePeriod: Duration?
        var failure: (any Error)?
    }

    private struct Running {
        let server: CorePointer
        let queues: [CompletionQueue]
        let ports: [Int]
        let calls: AsyncStream<ServerCall>.Continuation
        /// Set once a shutdown began (grpc_server_shutdown_and_notify was called).
        var requestedGracePeriod: Duration?
        var graceWaiter: CheckedContinuation<Duration?, Never>?
    }

    private enum ShutdownAction {
        case none
        case startGrace(CheckedContinuation<Duration?, Never>, Duration)
    }
}
