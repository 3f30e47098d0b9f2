import EnvoyAPI
import Foundation
import Generator
import Mesh
import MeshAPI
import Protocols
import SwiftProtobuf
import Testing
import XDSCache

/// MetaProtocol generation through the shared generator: routes are their own table entries, so a
/// MetaRouter edit re-serializes the route configuration and nothing else; proxies without the
/// capability keep tcp_proxy and are told why; MetaRouter `exportTo` scopes routes.
@Suite("MetaProtocol generation", .serialized)
struct MetaProtocolGenerationTests {
    static let host = "svc.meta.svc.cluster.local"
    static let route = "svc.meta.svc.cluster.local_20880"
    static let listener = "240.240.0.1_20880"

    static let mesh = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: svc, namespace: meta}
        spec:
          hosts: [svc.meta.svc.cluster.local]
          addresses: [240.240.0.1]
          ports: [{number: 20880, name: PORT_NAME}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.1, labels: {version: v1}}, {address: 10.1.1.2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: svc, namespace: meta}
        spec:
          host: svc.meta.svc.cluster.local
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: metaprotocol.aeraki.io/v1alpha1
        kind: MetaRouter
        metadata: {name: svc, namespace: meta}
        spec:
          hosts: [svc.meta.svc.cluster.local]
          exportTo: [EXPORT]
          routes:
          - name: pinned
            match: {attributes: {method: {exact: METHOD}}}
            route: [{destination: {host: svc.meta.svc.cluster.local, subset: v2}}]
        """

    static func snapshot(method: String = "sayHello", export: String = "\"*\"", portName: String = "tcp-metaprotocol-dubbo", extra: String = "") -> ConfigSnapshot {
        let yaml = mesh.replacingOccurrences(of: "METHOD", with: method).replacingOccurrences(of: "EXPORT", with: export)
            .replacingOccurrences(of: "PORT_NAME", with: portName) + extra
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty)
        return store.snapshot()
    }

    static func proxy(_ n: Int, namespace: String = "meta", capable: Bool = true) -> ProxyIdentity {
        ProxyIdentity(
            ipAddresses: ["10.200.0.\(n)"], workloadName: "client-\(n)", namespace: namespace, labels: ["app": "client"],
            metadata: capable ? [ProxyCapabilities.metadataKey: "meta_protocol_proxy"] : [:]
        )
    }

    static func routeConfiguration(_ snapshot: Snapshot) throws -> Envoy_Config_Route_V3_RouteConfiguration? {
        guard let resource = snapshot.resources(TypeURL.route)[route] else { return nil }
        return try Envoy_Config_Route_V3_RouteConfiguration(serializedBytes: Array(resource.bytes))
    }

    static func networkFilter(_ snapshot: Snapshot) throws -> String? {
        guard let resource = snapshot.resources(TypeURL.listener)[listener] else { return nil }
        let listener = try Envoy_Config_Listener_V3_Listener(serializedBytes: Array(resource.bytes))
        return listener.filterChains.first?.filters.first?.name
    }

    @Test("a MetaRouter edit rebuilds only the route configuration: the listener object stays, the route changes")
    func metaRouterEditRebuildsOnlyTheRoute() throws {
        let generator = SharedGenerator()
        let before = Self.snapshot()
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let proxies = [Self.proxy(1), Self.proxy(2)]
        let old = try generator.snapshots(for: proxies).map { try $0.get() }
        #expect(try Self.networkFilter(old[0]) == MetaProtocolPlugin.filterName)
        let oldRoute = try #require(try Self.routeConfiguration(old[0]))
        #expect(oldRoute.virtualHosts[0].routes[0].match.headers[0].stringMatch.exact == "sayHello")

        let after = Self.snapshot(method: "sayGoodbye")
        let builds = generator.statistics.builds
        _ = SharedGeneratorTests.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: proxies).map { try $0.get() }

        #expect(generator.statistics.builds - builds == 1, "only the route entry is rebuilt")
        for (o, n) in zip(old, new) {
            #expect(n.resources(TypeURL.listener)[Self.listener] === o.resources(TypeURL.listener)[Self.listener])
            #expect(n.resources(TypeURL.listener).id == o.resources(TypeURL.listener).id)
            #expect(n.resources(TypeURL.cluster).id == o.resources(TypeURL.cluster).id)
            let diff = n.resources(TypeURL.route).diff(from: o.resources(TypeURL.route))
            #expect(diff.changed.map(\.name) == [Self.route])
        }
        let newRoute = try #require(try Self.routeConfiguration(new[0]))
        #expect(newRoute.virtualHosts[0].routes[0].match.headers[0].stringMatch.exact == "sayGoodbye")
        #expect(new[0].resources(TypeURL.route)[Self.route]!.version != old[0].resources(TypeURL.route)[Self.route]!.version)
        #expect(SharedGeneratorTests.versions(new[0]) == SharedGeneratorTests.versions(try SharedGeneratorTests.fresh(after, proxy: proxies[0])))
    }

    @Test("a proxy without the meta_protocol_proxy capability keeps tcp_proxy, gets no MetaProtocol routes, and is told why")
    func capabilityRequired() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot()), changes: nil)
        let results = generator.generated(for: [Self.proxy(1, capable: false), Self.proxy(2)])
        let plain = try results[0].get()
        #expect(try Self.networkFilter(plain.snapshot) == TCPProxyPlugin.filterName)
        #expect(try Self.routeConfiguration(plain.snapshot) == nil)
        let missing = try #require(plain.diagnostics.first { $0.message.contains("AERAKI_CAPABILITIES=meta_protocol_proxy") })
        #expect(missing.message.contains("\(Self.listener)") && missing.message.contains("tcp_proxy"))
        #expect(missing.code == .missingCapability)
        #expect(missing.config == ConfigKey(kind: .serviceEntry, namespace: "meta", name: "svc"))
        let capable = try results[1].get()
        #expect(try Self.networkFilter(capable.snapshot) == MetaProtocolPlugin.filterName)
        #expect(!capable.diagnostics.contains { $0.message.contains("AERAKI_CAPABILITIES") })
    }

    @Test("an application protocol without a codec falls back to tcp_proxy with the reason")
    func unknownCodec() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot(portName: "tcp-metaprotocol-tars")), changes: nil)
        let result = try generator.generated(for: [Self.proxy(1)])[0].get()
        #expect(try Self.networkFilter(result.snapshot) == TCPProxyPlugin.filterName)
        let unknown = try #require(result.diagnostics.first { $0.message.contains("no codec for application protocol \"tars\"") })
        #expect(unknown.code == .unknownApplicationProtocol)
        #expect(unknown.config == ConfigKey(kind: .serviceEntry, namespace: "meta", name: "svc"))
        #expect(try Self.routeConfiguration(result.snapshot) == nil)
    }

    @Test("MetaRouter exportTo scopes its routes: other namespaces get the default route")
    func exportToScopesRoutes() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot(export: ".")), changes: nil)
        let snapshots = try generator.snapshots(for: [Self.proxy(1), Self.proxy(2, namespace: "other")]).map { try $0.get() }
        let own = try #require(try Self.routeConfiguration(snapshots[0]))
        #expect(own.virtualHosts[0].routes.map(\.name) == ["pinned"])
        let other = try #require(try Self.routeConfiguration(snapshots[1]))
        #expect(other.virtualHosts[0].routes.map(\.name) == ["default"])
        #expect(other.virtualHosts[0].routes[0].route.cluster == "outbound|20880||\(Self.host)")
    }
}

@Suite("MetaProtocol at gateways", .serialized)
struct MetaProtocolGatewayTests {
    static let gateway = """

        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: ingress, namespace: meta}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 9000, name: tcp-metaprotocol-dubbo-9000, protocol: TCP}, hosts: ["*"]}]
        ---
        apiVersion: metaprotocol.aeraki.io/v1alpha1
        kind: MetaRouter
        metadata: {name: at-gateway, namespace: meta}
        spec:
          hosts: [svc.meta.svc.cluster.local]
          gateways: [ingress]
          routes: [{name: gw, route: [{destination: {host: svc.meta.svc.cluster.local, subset: v1}}]}]
        """

    static func router(_ n: Int, labels: [String: String]) -> ProxyIdentity {
        ProxyIdentity(
            type: .router, ipAddresses: ["10.210.0.\(n)"], workloadName: "gw-\(n)", namespace: "istio-system", labels: labels,
            metadata: [ProxyCapabilities.metadataKey: "meta_protocol_proxy"]
        )
    }

    @Test("only routers the Gateway selects get its listener; the selector splits their scopes")
    func selectedRoutersOnly() throws {
        let snapshot = MetaProtocolGenerationTests.snapshot(extra: Self.gateway)
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: snapshot), changes: nil)
        let results = try generator.snapshots(for: [Self.router(1, labels: ["istio": "ingressgateway"]), Self.router(2, labels: ["istio": "other"])])
            .map { try $0.get() }
        #expect(results[0].resources(TypeURL.listener).sorted.map(\.name) == ["0.0.0.0_9000", "virtualInbound"])
        #expect(results[0].resources(TypeURL.route).sorted.map(\.name) == ["svc.meta.svc.cluster.local_9000"])
        #expect(results[1].resources(TypeURL.listener).sorted.map(\.name) == ["virtualInbound"])
        #expect(results[1].resources(TypeURL.route).sorted.isEmpty)
        #expect(generator.statistics.scopes == 2)
    }
}

