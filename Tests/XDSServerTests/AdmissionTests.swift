import EnvoyAPI
import LibGRPCTransport
import SwiftProtobuf
import Testing
import XDSCache
@testable import XDSServer

@Suite("Stream admission and limits over loopback")
struct AdmissionTests {
    private func firstRequest(node: String) throws -> [UInt8] {
        var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
        request.node.id = node
        request.typeURL = TypeURL.cluster
        return try request.serializedBytes()
    }

    @Test("a node the admission hook refuses gets its status and not one response, though its snapshot is ready")
    func refusedBeforeWatching() async throws {
        var hooks = XDSHooks()
        hooks.admitNode = { info in
            guard info.nodeID == "allowed" else { throw RPCError(code: .permissionDenied, message: "not you") }
            return AdmittedNode(namespace: "demo")
        }
        try await LoopbackTests.withServer(hooks: hooks) { cache, channel in
            for node in ["allowed", "refused"] {
                cache.setSnapshot(Snapshot(resources: [Fixtures.cluster("a")]), forNode: node)
            }
            try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                try await stream.send(try firstRequest(node: "allowed"))
                #expect(try await stream.receive() != nil)
            }
            let error = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                    try await stream.send(try firstRequest(node: "refused"))
                    while try await stream.receive() != nil {
                        Issue.record("a refused node received a response")
                    }
                }
            }
            #expect(error?.code == .permissionDenied && error?.message == "not you")
        }
    }

    @Test("a listener that requires a token refuses a stream without one at open, before anything is sent")
    func unauthenticatedAtOpen() async throws {
        // The plaintext listener requires a bearer token, and none can verify.
        let configuration = XDSServer.Configuration(controlPlaneID: "t", authentication: XDSAuthentication(tls: .none, plaintext: .jwt))
        try await LoopbackTests.withServer(configuration: configuration) { cache, channel in
            cache.setSnapshot(Snapshot(resources: [Fixtures.cluster("a")]), forNode: "n1")
            let error = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                    try await stream.send(try firstRequest(node: "n1"))
                    while try await stream.receive() != nil { Issue.record("an unauthenticated stream received a response") }
                }
            }
            #expect(error?.code == .unauthenticated)
            #expect(error?.message == "authentication failure (--xds-plaintext-auth=jwt): no JWT keys are configured")
        }
    }

    @Test("streams over --max-streams get RESOURCE_EXHAUSTED; node ids over the limit INVALID_ARGUMENT")
    func limits() async throws {
        let configuration = XDSServer.Configuration(controlPlaneID: "t", maxStreams: 1, maxNodeIDBytes: 16)
        // The server frees a stream's slot when its handler ends, which is after the client has
        // closed it: the last stream waits for both earlier streams' close hooks.
        let (closes, closed) = AsyncStream.makeStream(of: Void.self)
        var hooks = XDSHooks()
        hooks.onStreamClosed = { _ in closed.yield() }
        try await LoopbackTests.withServer(configuration: configuration, hooks: hooks) { cache, channel in
            cache.setSnapshot(Snapshot(resources: [Fixtures.cluster("a")]), forNode: "n1")
            try await channel.withStream(method: XDSMethod.streamAggregatedResources) { first in
                try await first.send(try firstRequest(node: "n1"))
                #expect(try await first.receive() != nil)
                let error = await #expect(throws: RPCError.self) {
                    try await channel.withStream(method: XDSMethod.streamAggregatedResources) { second in
                        try await second.send(try firstRequest(node: "n1"))
                        _ = try await second.receive()
                    }
                }
                #expect(error?.code == .resourceExhausted)
                #expect(error?.message == "the server already serves its maximum of 1 xDS streams (--max-streams)")
            }
            var closedStreams = closes.makeAsyncIterator()
            for _ in 0..<2 { _ = await closedStreams.next() }
            let error = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                    try await stream.send(try firstRequest(node: String(repeating: "n", count: 17)))
                    _ = try await stream.receive()
                }
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message == "the node id is 17 bytes; at most 16 are accepted")
        }
    }
}
