import Foundation
import LibGRPCTransport
import Testing

/// Our client against grpcio's server.
@Suite("our client, grpcio server")
struct PythonServerTests {
    @Test("1,000 messages each way on one stream arrive in order, then OK with trailers")
    func echo() async throws {
        try await PythonPeer.withServer { server in try await withChannel(port: server.port) { channel in
            try await channel.withStream(method: EchoRouter.stream) { stream in
                for index in 0..<1000 {
                    try await stream.send(patternMessage(index, size: 128))
                    #expect(try await stream.receive() == patternMessage(index, size: 128))
                }
                try await stream.finishSending()
                #expect(try await stream.receive() == nil)
                #expect(await stream.finalStatus().trailingMetadata["x-echo-count"] == "1000")
            }
        } }
    }

    @Test("unary calls, 5 MiB messages, metadata and error statuses")
    func unaryLargeMetadataStatus() async throws {
        try await PythonPeer.withServer { server in try await withChannel(port: server.port) { channel in
            let big = patternMessage(7, size: 5 << 20)
            #expect(try await channel.unary(method: EchoRouter.unary, request: big) == big)
            let reply = try await channel.unary(
                method: EchoRouter.metadata, request: [], metadata: ["authorization": "Bearer abc"])
            let json = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any]
            #expect(json?["authorization"] as? String == "Bearer abc")
            let error = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: EchoRouter.stream) { stream in
                    try await stream.send(Array("fail:8:slow down".utf8))
                    _ = try await stream.receive()
                }
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message == "slow down")
        } }
    }

    @Test("dialing a server that is down fails with UNAVAILABLE, and a later retry succeeds")
    func serverDownThenUp() async throws {
        let first = try await PythonPeer.server()
        let port = first.port
        await first.stop()
        var configuration = GRPCChannel.Configuration()
        configuration.reconnectBackoff = (.milliseconds(100), .milliseconds(200))
        try await withChannel(port: port, configuration: configuration) { channel in
            let error = await #expect(throws: RPCError.self) {
                _ = try await channel.unary(method: EchoRouter.unary, request: [1, 2, 3])
            }
            #expect(error?.code == .unavailable)
            try await PythonPeer.withServer(["--port", "\(port)"]) { _ in
                var response: [UInt8]?
                for _ in 0..<50 where response == nil {
                    response = try? await channel.unary(method: EchoRouter.unary, request: [1, 2, 3])
                    if response == nil { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(response == [1, 2, 3])
            }
        }
    }
}

/// Sends racing a server that ends the RPC must not hang.
@Suite("sends after the server ended the RPC")
struct SendAfterStatusTests {
    @Test("every send after grpcio aborted the stream returns, and receive() reports the abort's status")
    func sendsAfterAbort() async throws {
        try await PythonPeer.withServer { server in
            try await withChannel(port: server.port) { channel in
                let outcome = try await withThrowingTaskGroup(of: String.self) { group in
                    group.addTask {
                        do {
                            try await channel.withStream(method: EchoRouter.stream) { stream in
                                try await stream.send(Array("fail:16:who are you".utf8))
                                // Sends may fail once the server has ended the RPC; the status comes
                                // from receive().
                                for index in 0..<20 { try? await stream.send(patternMessage(index, size: 32)) }
                                _ = try await stream.receive()
                            }
                            return "no error"
                        } catch let error as RPCError {
                            return "\(error.code)"
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(10))
                        return "hung"
                    }
                    let first = try await group.next()!
                    group.cancelAll()
                    return first
                }
                #expect(outcome == "UNAUTHENTICATED")
            }
        }
    }
}
