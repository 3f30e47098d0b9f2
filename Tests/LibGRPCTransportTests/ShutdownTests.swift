import LibGRPCTransport
import Testing

/// Graceful shutdown with calls open, and shutdown races.
@Suite("Server shutdown")
struct ShutdownTests {
    @Test("shutdown with 20 open streams cancels them after the grace period and run() returns")
    func shutdownWithOpenStreams() async throws {
        let observations = EchoRouter.Observations()
        var configuration = GRPCServer.Configuration.defaults
        configuration.shutdownGracePeriod = .milliseconds(300)
        let server = GRPCServer(configuration: configuration, router: EchoRouter.make(observations: observations))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPorts()[0]
            try await withChannel(port: port) { channel in
                try await withThrowingTaskGroup(of: Status.Code?.self) { streams in
                    for index in 0..<20 {
                        streams.addTask {
                            do {
                                return try await channel.withStream(method: EchoRouter.stream) { stream in
                                    try await stream.send(patternMessage(index, size: 16))
                                    _ = try await stream.receive()
                                    _ = try await stream.receive()  // blocks until the server gives up
                                    return nil
                                }
                            } catch let error as RPCError {
                                return error.code
                            }
                        }
                    }
                    for _ in 0..<500 where observations.startedHandlers < 20 {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(observations.startedHandlers == 20)
                    let clock = ContinuousClock()
                    let start = clock.now
                    server.beginGracefulShutdown()
                    try await group.waitForAll()
                    #expect(clock.now - start < .seconds(10))  // grace 300 ms; generous for sanitizer builds
                    var codes: [Status.Code?] = []
                    for try await code in streams { codes.append(code) }
                    #expect(codes.count == 20)
                    #expect(codes.allSatisfy { $0 != nil }, "\(codes) finished=\(observations.finishedHandlers)")
                }
            }
        }
        #expect(observations.cancelledHandlers == 20, "finished=\(observations.finishedHandlers)")
    }

    @Test("a shutdown requested before run() makes run() return promptly")
    func shutdownBeforeRun() async throws {
        let server = GRPCServer(configuration: .defaults, router: Router())
        server.beginGracefulShutdown()
        try await server.run()
        await #expect(throws: TransportError.self) { _ = try await server.listeningPorts() }
    }

    @Test("a port that cannot be bound fails run() with bindFailed")
    func bindFailure() async throws {
        try await withRunningServer(router: Router()) { _, port in
            let second = GRPCServer(
                configuration: .init(listeners: [.init(host: "127.0.0.1", port: port)]), router: Router())
            let error = await #expect(throws: TransportError.self) { try await second.run() }
            #expect(error?.code == .bindFailed)
        }
    }
}
