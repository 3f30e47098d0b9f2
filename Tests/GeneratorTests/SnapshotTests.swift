import EnvoyAPI
import Foundation
import Generator
import Mesh
import Protocols
import SwiftProtobuf
import Testing
import XDSCache

@Suite("Proxy snapshot")
struct SnapshotTests {
    static func golden(_ name: String) -> GoldenCase { GoldenCase(name: name) }

    @Test("the same input gives byte-identical resources, whatever the order of the YAML documents")
    func deterministic() throws {
        let golden = Self.golden("dubbo-routing")
        let path = golden.directory.appendingPathComponent("input/mesh.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let reversed = text.components(separatedBy: "\n---\n").reversed().joined(separator: "\n---\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try reversed.write(to: directory.appendingPathComponent("mesh.yaml"), atomically: true, encoding: .utf8)

        let proxy = try golden.proxy()
        let builder = ProxySnapshotBuilder(registry: .standard)
        let a = try builder.build(index: MeshDirectory.load(paths: [path]).index, proxy: proxy)
        let b = try builder.build(index: MeshDirectory.load(paths: [directory.path]).index, proxy: proxy)
        func versions(_ paths: [String]) throws -> [String] {
            let generator = SharedGenerator()
            generator.update(index: MeshDirectory.load(paths: paths).index, changes: nil)
            return try generator.snapshots(for: [proxy])[0].get().allResources.map { "\($0.typeURL) \($0.name) \($0.version)" }.sorted()
        }
        #expect(try versions([path]) == versions([directory.path]))
        #expect(try ConfigDumpRenderer.json(a) == ConfigDumpRenderer.json(b))
    }

    @Test("the snapshot holds every type and is consistent: every EDS cluster has its assignment")
    func consistent() throws {
        for golden in GoldenCase.all {
            let snapshot = try golden.snapshot()
            #expect(ConsistencyCheck.problems(in: snapshot).isEmpty, "\(golden.name)")
            // Proxyless gRPC clients get API and server listeners only, and clusters they can use.
            guard try golden.proxy().metadata["GENERATOR"] != "grpc" else { continue }
            // Gateways (router proxies) get their Gateway's listeners, not the sidecar's capture listener.
            #expect((snapshot.resources(TypeURL.listener).items["virtualOutbound"] != nil) == (try golden.proxy().type != .router), "\(golden.name)")
            #expect(snapshot.resources(TypeURL.listener).items["virtualInbound"] != nil)
            for name in ["PassthroughCluster", "BlackHoleCluster", "InboundPassthroughCluster"] {
                #expect(snapshot.resources(TypeURL.cluster).items[name] != nil, "\(golden.name): \(name)")
            }
        }
    }

    @Test("a Dubbo listener exists per address of the service and per port, each with dubbo_proxy")
    func everyAddressAndPort() throws {
        let config = try Self.golden("dubbo-routing").generate()
        let names = config.listeners.map(\.name)
        for name in ["240.240.1.1_20880", "240.240.1.2_20880", "240.240.1.1_20881", "240.240.1.2_20881"] {
            #expect(names.contains(name))
            let listener = try #require(config.listeners.first { $0.name == name })
            #expect(listener.filterChains[0].filters.map(\.name) == ["envoy.filters.network.dubbo_proxy"])
            #expect(listener.bindToPort.value == false)
        }
        let clusters = Set(config.clusters.map(\.name))
        #expect(clusters.contains("outbound|20881||orders-legacy.dubbo.svc.cluster.local"), "every host gets clusters")
    }

    @Test("the inbound chain of an own service matches its target port, not its service port")
    func inboundTargetPort() throws {
        let config = try Self.golden("dubbo-inbound").generate()
        let inbound = try #require(config.listeners.first { $0.name == "virtualInbound" })
        let chain = try #require(inbound.filterChains.first { $0.name == "0.0.0.0_20881" })
        #expect(chain.filterChainMatch.destinationPort.value == 20881)
        #expect(chain.filters.map(\.name) == ["envoy.filters.network.dubbo_proxy"])
        #expect(config.clusters.contains { $0.name == "inbound|20881||" })
        #expect(!inbound.filterChains.contains { $0.name == "0.0.0.0_20880" })
    }

    @Test("REGISTRY_ONLY from the Sidecar sends unknown traffic to BlackHoleCluster and hides unimported services")
    func registryOnly() throws {
        let config = try Self.golden("registry-only").generate()
        let outbound = try #require(config.listeners.first { $0.name == "virtualOutbound" })
        let proxy = try Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy(unpackingAny: outbound.defaultFilterChain.filters[0].typedConfig)
        #expect(proxy.cluster == "BlackHoleCluster")
        let names = Set(config.clusters.map(\.name))
        #expect(names.contains("outbound|9000||echo.tcp.svc.cluster.local"))
        #expect(!names.contains("outbound|9001||private.tcp.svc.cluster.local"))
        #expect(!names.contains("outbound|9002||hidden.hidden.svc.cluster.local"))
    }
}
