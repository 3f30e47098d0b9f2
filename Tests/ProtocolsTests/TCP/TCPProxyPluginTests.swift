import EnvoyAPI
import Mesh
import Protocols
import SwiftProtobuf
import Testing

@Suite("tcp_proxy fallback plugin")
struct TCPProxyPluginTests {
    static let yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db, namespace: tcp}
        spec:
          hosts: [db.tcp.svc.cluster.local]
          ports: [{number: 5432, name: tcp-pg}]
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: db, namespace: tcp}
        spec:
          host: db.tcp.svc.cluster.local
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db, namespace: tcp}
        spec:
          hosts: [db.tcp.svc.cluster.local]
          tcp:
          - match: [{sourceNamespace: other}]
            route: [{destination: {host: db.tcp.svc.cluster.local, subset: v2}}]
          - route:
            - {destination: {host: db.tcp.svc.cluster.local, subset: v1}, weight: 70}
            - {destination: {host: db.tcp.svc.cluster.local, subset: v2}, weight: 30}
        """

    @Test("VirtualService tcp routes: non-matching entries skipped, weights become weighted_clusters")
    func weighted() throws {
        let fixture = try MeshFixture(Self.yaml)
        let output = try TCPProxyPlugin().outboundFilters(fixture.outbound(["db.tcp.svc.cluster.local"], port: 5432))
        let proxy = try Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(proxy.weightedClusters.clusters.map(\.weight) == [70, 30])
        #expect(proxy.statPrefix == "db.tcp")
    }

    @Test("a registry falls back to tcp_proxy for unclaimed protocols, and a new plugin is all a new protocol needs")
    func registryExtension() throws {
        struct Echo: ProtocolPlugin {
            var protocolNames: [String] { ["redis"] }
            func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
                PluginOutput(filters: [try TCPProxyPlugin.filter(statPrefix: "echo", target: .cluster(context.primary.defaultCluster))])
            }
            func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
                throw PluginError(plugin: "redis", message: "no inbound")
            }
        }
        let registry = PluginRegistry([DubboPlugin(), Echo()])
        #expect(registry.names == ["dubbo", "redis"])
        #expect(registry.plugin(for: .redis) is Echo)
        #expect(registry.plugin(for: .thrift) is TCPProxyPlugin)
        #expect(MeshProtocol.metaProtocol(application: "brpc", codec: nil).pluginName == "metaprotocol")
    }
}
