package import LibGRPCTransport
package import Logging
internal import ServiceLifecycle

/// The gRPC server as a `Service`: on graceful shutdown it stops accepting streams (GOAWAY), gives
/// open streams `gracePeriod` to end, then cancels the rest, which clients see as `UNAVAILABLE` and
/// reconnect elsewhere.
package struct XDSService: Service {
    private let server: GRPCServer
    private let gracePeriod: Duration
    private let logger: Logger

    /// Wraps `server`.
    package init(server: GRPCServer, gracePeriod: Duration, logger: Logger = Logger(label: "io.aeraki.server.xds")) {
        self.server = server
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    /// Serves until graceful shutdown completes.
    package func run() async throws {
        let server = self.server
        let gracePeriod = self.gracePeriod
        let logger = self.logger
        try await withGracefulShutdownHandler {
            try await server.run()
        } onGracefulShutdown: {
            logger.info("draining xDS streams", metadata: ["xds.grace_period": "\(gracePeriod)"])
            server.beginGracefulShutdown(gracePeriod: gracePeriod)
        }
        logger.info("xDS server stopped")
    }
}
