import Admin
import AerakiServer
import EnvoyAPI
import Foundation
import LibGRPCTransport
import Mesh
import ServiceLifecycle
import SwiftProtobuf
import XDSCache

/// A generator that serves one static cluster per service host: enough to watch config flow.
func hostClustersGenerator() -> ClosureSnapshotGenerator {
    ClosureSnapshotGenerator { _, index in
        try Snapshot(resources: index.services.map(\.hostname).sorted().map { host in
            var cluster = Envoy_Config_Cluster_V3_Cluster()
            cluster.name = "outbound|0||\(host)"
            cluster.type = .static
            return try PreparedResource(cluster)
        })
    }
}

enum Harness {
    static let node = "sidecar~10.1.0.5~app-1.demo~demo.svc.cluster.local"

    static func serviceEntry(host: String, name: String = "svc") -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: \(name)
          namespace: demo
        spec:
          hosts: [\(host)]
          ports:
          - number: 20880
            name: tcp-dubbo
            protocol: TCP
          resolution: STATIC
          endpoints:
          - address: 10.1.0.9
        """
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aeraki-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a server on free ports over `directory`, calls `body`, then shuts it down gracefully.
    static func withServer(
        directory: URL, generator: any SnapshotGenerating = hostClustersGenerator(), _ body: (AerakiServer, GRPCChannel, Int) async throws -> Void
    ) async throws {
        let configuration = AerakiServerConfiguration(
            xdsHost: "127.0.0.1", xdsPort: 0, admin: .init(host: "127.0.0.1", port: 0),
            source: .directory(paths: [directory.path], pollInterval: .milliseconds(50)),
            debounce: .init(quietPeriod: .milliseconds(20), maxDelay: .milliseconds(200)),
            shutdownGracePeriod: .milliseconds(200)
        )
        let server = try AerakiServer(configuration: configuration, generator: generator, version: "test")
        let group = server.serviceGroup(signals: [])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.grpc.listeningPorts()[0]
            let adminPort = try await server.admin.listeningPort()
            let channel = try GRPCChannel(target: "127.0.0.1:\(port)")
            do {
                try await body(server, channel, adminPort)
            } catch {
                await channel.close()
                await group.triggerGracefulShutdown()
                throw error
            }
            await channel.close()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func request(_ typeURL: String, node: String? = nil, version: String = "", nonce: String = "")
        throws -> [UInt8]
    {
        var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
        if let node {
            request.node.id = node
            request.node.metadata.fields["NAMESPACE"] = Google_Protobuf_Value(stringValue: "demo")
        }
        request.typeURL = typeURL
        request.versionInfo = version
        request.responseNonce = nonce
        return try request.serializedBytes()
    }

    static func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
