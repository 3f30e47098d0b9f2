import LibGRPCTransport

/// Runs `body` against a started server on an ephemeral loopback port, then shuts the server down
/// and waits for `run()` to return, so every test leaves no server behind.
func withRunningServer<Result: Sendable>(
    router: Router,
    configure: (inout GRPCServer.Configuration) -> Void = { _ in },
    _ body: (GRPCServer, Int) async throws -> Result
) async throws -> Result {
    var configuration = GRPCServer.Configuration.defaults
    configure(&configuration)
    let server = GRPCServer(configuration: configuration, router: router)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.listeningPorts()[0]
        do {
            let result = try await body(server, port)
            server.beginGracefulShutdown(gracePeriod: .milliseconds(200))
            try await group.waitForAll()
            return result
        } catch {
            server.beginGracefulShutdown(gracePeriod: .zero)
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Runs `body` with a channel to `127.0.0.1:port`, closing it afterwards.
func withChannel<Result: Sendable>(
    port: Int,
    configuration: GRPCChannel.Configuration = .defaults,
    _ body: (GRPCChannel) async throws -> Result
) async throws -> Result {
    let channel = try GRPCChannel(target: "127.0.0.1:\(port)", configuration: configuration)
    do {
        let result = try await body(channel)
        await channel.close()
        return result
    } catch {
        await channel.close()
        throw error
    }
}

/// A message whose bytes encode its index, so order and integrity can be checked.
func patternMessage(_ index: Int, size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }
}
