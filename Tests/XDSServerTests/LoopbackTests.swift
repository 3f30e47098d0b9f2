import EnvoyAPI
import LibGRPCTransport
import SwiftProtobuf
import Synchronization
import Testing
import XDSCache
import XDSServer

@Suite("xDS server over loopback")
struct LoopbackTests {
    static func withServer(
        configuration xdsConfiguration: XDSServer.Configuration = .defaults,
        hooks: XDSHooks = XDSHooks(),
        _ body: (SnapshotCache, GRPCChannel) async throws -> Void
    ) async throws {
        let cache = SnapshotCache()
        let xds = XDSServer(cache: cache, configuration: xdsConfiguration, hooks: hooks)
        var router = Router()
        xds.register(into: &router)
        var configuration = GRPCServer.Configuration.defaults
        configuration.shutdownGracePeriod = .milliseconds(100)
        let server = GRPCServer(configuration: configuration, router: router)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPorts()[0]
            let channel = try GRPCChannel(target: "127.0.0.1:\(port)")
            do {
                try await body(cache, channel)
            } catch {
                await channel.close()
                server.beginGracefulShutdown()
                throw error
            }
            await channel.close()
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }

    @Test("ADS answers CDS then EDS from the node's snapshot, with unique nonces and typed Anys")
    func ads() async throws {
        try await Self.withServer { cache, channel in
            cache.setSnapshot(Snapshot(resources: [Fixtures.cluster("a"), Fixtures.assignment("a")]), forNode: "n1")
            try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
                request.node.id = "n1"
                request.typeURL = TypeURL.cluster
                try await stream.send(try request.serializedBytes())
                let cds = try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: try #require(await stream.receive()))
                #expect(cds.typeURL == TypeURL.cluster && cds.resources.map(\.typeURL) == [TypeURL.cluster])
                #expect(try Envoy_Config_Cluster_V3_Cluster(unpackingAny: cds.resources[0]).name == "a")
                #expect(cds.controlPlane.identifier == "aeraki")
                var eds = Envoy_Service_Discovery_V3_DiscoveryRequest()
                eds.typeURL = TypeURL.endpoint
                eds.resourceNames = ["a"]
                try await stream.send(try eds.serializedBytes())
                let edsResponse = try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: try #require(await stream.receive()))
                #expect(edsResponse.typeURL == TypeURL.endpoint && edsResponse.nonce != cds.nonce)
            }
        }
    }

    @Test("An error thrown by the open hook ends every such stream with its status; the close hook does not fire for them")
    func openHookError() async throws {
        let closed = Atomic<Int>(0)
        let opened = Atomic<Int>(0)
        var hooks = XDSHooks()
        hooks.onStreamOpen = { info in
            if info.method.hasSuffix("StreamSecrets") {
                throw RPCError(code: .permissionDenied, message: "secrets are not served")
            }
            opened.add(1, ordering: .relaxed)
        }
        hooks.onStreamClosed = { _ in closed.add(1, ordering: .relaxed) }
        try await Self.withServer(hooks: hooks) { _, channel in
            let secrets = XDSMethod.perType.first { $0.typeURL == TypeURL.secret }!.stream
            let afterRequest = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: secrets) { stream in
                    try await stream.send(try Envoy_Service_Discovery_V3_DiscoveryRequest().serializedBytes())
                    _ = try await stream.receive()
                }
            }
            #expect(afterRequest?.code == .permissionDenied)
            #expect(afterRequest?.message == "secrets are not served")
            let withoutRequest = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: secrets) { stream in
                    _ = try await stream.receive()
                }
            }
            #expect(withoutRequest?.code == .permissionDenied)
        }
        #expect(opened.load(ordering: .relaxed) == 0)
        #expect(closed.load(ordering: .relaxed) == 0)
    }
}
