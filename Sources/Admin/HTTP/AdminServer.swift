package import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
internal import ServiceLifecycle
import Synchronization

/// The HTTP/1.1 admin endpoint (SwiftNIO): `/debug/*`, `/metrics`, `/healthz`, `/readyz`, `/version`.
///
/// A `Service`: `run()` binds, serves until graceful shutdown or cancellation, then closes the
/// listening socket and every open connection.
package final class AdminServer: Service, Sendable {
    /// Where the endpoint listens.
    package struct Configuration: Sendable {
        /// The address to bind.
        package var host: String
        /// The port (0 picks a free one; see ``AdminServer/listeningPort()``).
        package var port: Int
        /// Who may read `/debug/*` (default: loopback peers only).
        package var debugAccess: DebugAccess

        /// A configuration from its parts.
        package init(host: String, port: Int, debugAccess: DebugAccess = .localOnly) {
            self.host = host
            self.port = port
            self.debugAccess = debugAccess
        }

        /// `0.0.0.0:15014`, Istio's monitoring port.
        package static var defaults: Configuration { Configuration(host: "0.0.0.0", port: 15014) }
    }

    private enum State {
        case idle
        case binding([CheckedContinuation<Int, any Error>])
        case running(port: Int, channel: any Channel)
        case stopped
    }

    private let configuration: Configuration
    private let router: AdminRouter
    private let logger: Logger
    private let state = Mutex(State.idle)

    /// A server answering through `router`.
    package init(configuration: Configuration = .defaults, router: AdminRouter, logger: Logger = Logger(label: "io.aeraki.admin")) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
    }

    /// Binds and serves until graceful shutdown or cancellation.
    /// - Throws: when the address cannot be bound.
    package func run() async throws {
        let router = self.router
        let debugAccess = configuration.debugAccess
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(
                        AdminHTTPHandler(router: router, debugAccess: debugAccess) { request, response in
                            logger.debug(
                                "admin request",
                                metadata: ["http.path": "\(request.path)", "http.status": "\(response.status)"]
                            )
                        }
                    )
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            fail(error)
            throw error
        }
        let port = channel.localAddress?.port ?? configuration.port
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            let waiters: [CheckedContinuation<Int, any Error>]
            if case .binding(let list) = state { waiters = list } else { waiters = [] }
            state = .running(port: port, channel: channel)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
        logger.info("admin endpoint listening", metadata: ["admin.host": "\(configuration.host)", "admin.port": "\(port)"])
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
        state.withLock { $0 = .stopped }
        logger.info("admin endpoint stopped")
    }

    /// The bound port, once `run()` has bound (waits until then).
    /// - Throws: when binding failed or the server already stopped.
    package func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .idle:
                    state = .binding([continuation])
                    return nil
                case .binding(var list):
                    list.append(continuation)
                    state = .binding(list)
                    return nil
                case .running(let port, _):
                    return .success(port)
                case .stopped:
                    return .failure(AdminServerError(message: "the admin server is not running"))
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    private func fail(_ error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            defer { state = .stopped }
            if case .binding(let list) = state { return list }
            return []
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}

/// The admin server could not serve.
package struct AdminServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// "admin server: message".
    package var description: String { "admin server: \(message)" }
}
