import Admin
import AerakiServer
import EnvoyAPI
import Foundation
import Generator
import LibGRPCTransport
import Mesh
import SwiftProtobuf
import Testing
import XDSCache
import XDSServer

@Suite("aeraki serve, in process")
struct AerakiServerTests {
    @Test("a sidecar gets its config, ACKs it, and an edit of the YAML reaches it")
    func configFlows() async throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("se.yaml")
        try Harness.serviceEntry(host: "a.demo.svc.cluster.local").write(to: file, atomically: true, encoding: .utf8)
        try await Harness.withServer(directory: directory) { server, channel, _ in
            #expect(try await Harness.waitUntil { server.readiness.isReady })
            try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                try await stream.send(try Harness.request(TypeURL.cluster, node: Harness.node))
                let first = try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: try #require(await stream.receive()))
                #expect(try first.resources.map { try Envoy_Config_Cluster_V3_Cluster(unpackingAny: $0).name } == [
                    "outbound|0||a.demo.svc.cluster.local",
                ])
                try await stream.send(try Harness.request(TypeURL.cluster, version: first.versionInfo, nonce: first.nonce))
                #expect(try await Harness.waitUntil {
                    server.xds.syncStatuses().first?.types.first?.state == "SYNCED"
                })
                #expect(server.registry.count == 1)

                try Harness.serviceEntry(host: "b.demo.svc.cluster.local").write(to: file, atomically: true, encoding: .utf8)
                let second = try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: try #require(await stream.receive()))
                #expect(try second.resources.map { try Envoy_Config_Cluster_V3_Cluster(unpackingAny: $0).name } == [
                    "outbound|0||b.demo.svc.cluster.local",
                ])
                #expect(second.versionInfo != first.versionInfo)

                try await stream.send(try Harness.request(TypeURL.cluster, version: first.versionInfo, nonce: second.nonce).nacked("bad cluster"))
                #expect(try await Harness.waitUntil {
                    server.xds.syncStatuses().first?.types.first?.nackMessage == "bad cluster"
                })
            }
            #expect(try await Harness.waitUntil { server.registry.count == 0 })
            #expect(server.cache.nodeIDsWithSnapshots().isEmpty)
        }
    }

    @Test("a bad YAML file is reported and the last good config keeps serving")
    func badYAML() async throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("se.yaml")
        try Harness.serviceEntry(host: "a.demo.svc.cluster.local").write(to: file, atomically: true, encoding: .utf8)
        try await Harness.withServer(directory: directory) { server, _, _ in
            #expect(try await Harness.waitUntil { server.readiness.isReady })
            try "kind: ServiceEntry\nmetadata: [unclosed\n".write(to: file, atomically: true, encoding: .utf8)
            let reporter = ConfigStoreReporter(store: server.store, problems: server.problems)
            #expect(try await Harness.waitUntil { !reporter.configStoreReport().problems.isEmpty })
            #expect(reporter.configStoreReport().problems.first?.source.hasPrefix(file.path) == true)
            #expect(server.store.snapshot().count == 1)
            #expect(server.cache.nodeIDsWithSnapshots().isEmpty)
        }
    }

    @Test("what generation leaves out is reported per connected proxy, and goes when fixed or when the proxy leaves")
    func generationDiagnostics() async throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Harness.serviceEntry(host: "a.demo.svc.cluster.local").write(to: directory.appendingPathComponent("se.yaml"), atomically: true, encoding: .utf8)
        let rule = directory.appendingPathComponent("vs.yaml")
        let toNowhere = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: to-nowhere, namespace: demo}
            spec:
              hosts: [a.demo.svc.cluster.local]
              http:
              - route: [{destination: {host: missing.demo.svc.cluster.local}}]
            """
        try toNowhere.write(to: rule, atomically: true, encoding: .utf8)
        try await Harness.withServer(directory: directory, generator: SharedGenerator()) { server, channel, _ in
            #expect(try await Harness.waitUntil { server.readiness.isReady })
            let reporter = ConfigStoreReporter(store: server.store, problems: server.problems, diagnostics: server.diagnostics)
            try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                try await stream.send(try Harness.request(TypeURL.cluster, node: Harness.node))
                _ = try #require(await stream.receive())
                #expect(try await Harness.waitUntil { !reporter.configStoreReport().generationWarnings.isEmpty })
                let warnings = reporter.configStoreReport().generationWarnings
                #expect(warnings.allSatisfy { $0.proxies == 1 }, "\(warnings)")
                let skipped = try #require(warnings.first { $0.message.contains("demo/to-nowhere http[0]: no destination names an existing cluster") })
                #expect(skipped.code == "unknown_destination" && skipped.config == "VirtualService demo/to-nowhere", "\(warnings)")
                try FileManager.default.removeItem(at: rule)
                #expect(try await Harness.waitUntil { reporter.configStoreReport().generationWarnings.isEmpty })
                try toNowhere.write(to: rule, atomically: true, encoding: .utf8)
                #expect(try await Harness.waitUntil { !reporter.configStoreReport().generationWarnings.isEmpty })
            }
            // The proxy left: the next round forgets its messages.
            #expect(try await Harness.waitUntil { server.registry.count == 0 })
            try Harness.serviceEntry(host: "a.demo.svc.cluster.local", name: "svc2").write(
                to: directory.appendingPathComponent("se2.yaml"), atomically: true, encoding: .utf8)
            #expect(try await Harness.waitUntil { reporter.configStoreReport().generationWarnings.isEmpty })
        }
    }

    @Test("a node id that is not an Istio proxy id is refused")
    func badNode() async throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Harness.withServer(directory: directory) { server, channel, _ in
            let refusal = await #expect(throws: RPCError.self) {
                try await channel.withStream(method: XDSMethod.streamAggregatedResources) { stream in
                    try await stream.send(try Harness.request(TypeURL.cluster, node: "not-a-proxy"))
                    while try await stream.receive() != nil {}
                }
            }
            #expect(refusal?.code == .invalidArgument)
            #expect(refusal?.message.contains("not-a-proxy") == true)
            #expect(server.registry.count == 0)
        }
    }
}

extension [UInt8] {
    func nacked(_ message: String) throws -> [UInt8] {
        var request = try Envoy_Service_Discovery_V3_DiscoveryRequest(serializedBytes: self)
        request.errorDetail.code = 3
        request.errorDetail.message = message
        return try request.serializedBytes()
    }

    func contains(bytes text: String) -> Bool {
        String(decoding: self, as: UTF8.self).contains(text)
    }
}
