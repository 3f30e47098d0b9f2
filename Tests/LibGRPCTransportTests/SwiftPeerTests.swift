import LibGRPCTransport
import Testing

/// Our client against our server over loopback: the basic contract of both sides.
@Suite("Swift client and Swift server")
struct SwiftPeerTests {
    @Test("1,000 messages each way arrive in order on one stream, and the status carries trailers")
    func echoInOrder() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            try await withChannel(port: port) { channel in
                try await channel.withStream(method: EchoRouter.stream) { stream in
                    for index in 0..<1000 {
                        try await stream.send(patternMessage(index, size: 64))
                        #expect(try await stream.receive() == patternMessage(index, size: 64))
                    }
                    try await stream.finishSending()
                    #expect(try await stream.receive() == nil)
                    let (status, trailing) = await stream.finalStatus()
                    #expect(status.code == .ok)
                    #expect(trailing["x-echo-count"] == "1000")
                }
            }
        }
    }

    @Test("a handler's RPCError reaches the client as the status")
    func errorStatus() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            try await withChannel(port: port) { channel in
                let error = await #expect(throws: RPCError.self) {
                    try await channel.withStream(method: EchoRouter.stream) { stream in
                        try await stream.send(Array("fail:9:precondition broken".utf8))
                        _ = try await stream.receive()
                    }
                }
                #expect(error?.code == .failedPrecondition)
                #expect(error?.message == "precondition broken")
            }
        }
    }

    @Test("an unknown method is UNIMPLEMENTED")
    func unimplemented() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            try await withChannel(port: port) { channel in
                let error = await #expect(throws: RPCError.self) {
                    _ = try await channel.unary(method: "/nope.Service/Missing", request: [1])
                }
                #expect(error?.code == .unimplemented)
            }
        }
    }

    @Test("a deadline that passes ends the RPC with DEADLINE_EXCEEDED")
    func deadline() async throws {
        try await withRunningServer(router: EchoRouter.make()) { _, port in
            try await withChannel(port: port) { channel in
                let error = await #expect(throws: RPCError.self) {
                    try await channel.withStream(method: EchoRouter.stream, timeout: .milliseconds(200)) { stream in
                        _ = try await stream.receive()  // the server echoes nothing until we send
                    }
                }
                #expect(error?.code == .deadlineExceeded)
            }
        }
    }

    @Test("one shared payload sent 100 times on each of 10 concurrent streams arrives intact")
    func sharedPayload() async throws {
        let payload = Payload(patternMessage(3, size: 10_000))
        var router = Router()
        router.register("/test.Push/Stream") { stream in
            for _ in 0..<100 { try await stream.send(payload) }
            return [:]
        }
        try await withRunningServer(router: router) { _, port in
            try await withChannel(port: port) { channel in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<10 {
                        group.addTask {
                            try await channel.withStream(method: "/test.Push/Stream") { stream in
                                try await stream.finishSending()
                                var received = 0
                                while let message = try await stream.receive() {
                                    #expect(message == patternMessage(3, size: 10_000))
                                    received += 1
                                }
                                return received
                            }
                        }
                    }
                    for try await received in group { #expect(received == 100) }
                }
            }
        }
    }
}
