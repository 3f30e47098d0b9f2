import LibGRPCTransport
import Testing

/// grpcio's client against our server.
@Suite("grpcio client, our server")
struct PythonClientTests {
    @Test("1,000 messages each way on one stream arrive in order and intact")
    func echo() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            let (result, exitCode) = try await PythonPeer.client(port: port, ["echo", "--count", "1000", "--size", "256"])
            #expect(exitCode == 0, "\(result)")
            #expect(result["received"] as? Int == 1000)
            #expect((result["trailing"] as? [String: Any])?["x-echo-count"] as? String == "1000")
        }
    }

    @Test("500 concurrent streams all complete")
    func concurrentStreams() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            let (result, exitCode) = try await PythonPeer.client(
                port: port, ["concurrent", "--streams", "500", "--count", "4", "--size", "64"])
            #expect(exitCode == 0, "\(result)")
            #expect(result["ok"] as? Int == 500)
            #expect(result["failed"] as? Int == 0)
        }
    }

    @Test("a 5 MiB message crosses both unary and streaming calls")
    func largeMessage() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            let (result, exitCode) = try await PythonPeer.client(port: port, ["large", "--size", "\(5 << 20)"])
            #expect(exitCode == 0, "\(result)")
        }
    }

    @Test("unary calls echo, and request metadata reaches the handler")
    func unaryAndMetadata() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            let (unary, unaryExit) = try await PythonPeer.client(port: port, ["unary", "--size", "1000"])
            #expect(unaryExit == 0, "\(unary)")
            let (metadata, metadataExit) = try await PythonPeer.client(
                port: port, ["metadata", "--header", "authorization=Bearer token-123"])
            #expect(metadataExit == 0)
            #expect(metadata["authorization"] as? String == "Bearer token-123")
            #expect((metadata["peer"] as? String)?.contains("127.0.0.1") == true)
            #expect(metadata["tls"] as? String == "false")
            #expect(metadata["certificate_pem"] == nil)
        }
    }

    @Test("a handler's status code and message reach grpcio", arguments: [(5, "no such thing"), (7, "go away")])
    func status(code: Int, message: String) async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            let (result, exitCode) = try await PythonPeer.client(
                port: port, ["status", "--code", "\(code)", "--message", message])
            #expect(exitCode == 0, "\(result)")
            #expect(result["code"] as? Int == code)
        }
    }

    @Test("a client that disconnects mid-stream cancels the handler", arguments: ["cancel", "close", "exit"])
    func disconnect(how: String) async throws {
        let observations = EchoRouter.Observations()
        try await withRunningServer(router: EchoRouter.make(observations: observations)) { _, port in
            let (result, exitCode) = try await PythonPeer.client(port: port, ["disconnect", "--how", how])
            #expect(exitCode == 0, "\(result)")
            for _ in 0..<250 where observations.cancelledHandlers == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(observations.cancelledHandlers == 1)
            #expect(observations.finishedHandlers == 0)
        }
    }

    @Test("a slow reader holds the sender back without losing messages")
    func slowReader() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            let (result, exitCode) = try await PythonPeer.client(
                port: port, ["slow-reader", "--count", "40", "--size", "262144", "--delay-ms", "5"])
            #expect(exitCode == 0, "\(result)")
            #expect(result["received"] as? Int == 40)
        }
    }
}
