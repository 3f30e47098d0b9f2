import EnvoyAPI
import Mesh
import Protocols
import SwiftProtobuf
import Testing

@Suite("Dubbo plugin")
struct DubboPluginTests {
    static let yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: orders, namespace: dubbo, annotations: {interface: com.example.OrderService}}
        spec:
          hosts: [orders.dubbo.svc.cluster.local]
          ports: [{number: 20880, name: tcp-dubbo}]
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: users, namespace: dubbo}
        spec:
          hosts: [users.dubbo.svc.cluster.local]
          ports: [{number: 20880, name: tcp-dubbo}]
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: orders, namespace: dubbo}
        spec:
          host: orders.dubbo.svc.cluster.local
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: orders, namespace: dubbo}
        spec:
          hosts: [orders.dubbo.svc.cluster.local]
          http:
          - match:
            - method: {exact: create}
            - method: {prefix: query}
            - headers: {z-tenant: {exact: gold}, a-region: {regex: "eu-.*"}}
            route: [{destination: {host: orders.dubbo.svc.cluster.local, subset: v2}}]
          - route:
            - {destination: {host: orders.dubbo.svc.cluster.local, subset: v1}, weight: 60}
            - {destination: {host: orders.dubbo.svc.cluster.local, subset: v2}, weight: 40}
        """

    /// The outbound filter's config with its discovered routes put back inline (after checking that
    /// `drds` names them over ADS), so route assertions read one place.
    static func proxy(_ output: PluginOutput) throws -> Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboProxy {
        #expect(output.filters.count == 1)
        #expect(output.filters[0].name == "envoy.filters.network.dubbo_proxy")
        var proxy = try Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboProxy(unpackingAny: output.filters[0].typedConfig)
        guard case .drds(let drds)? = proxy.routeSpecifier else { return proxy }
        #expect(drds.configSource.ads == Envoy_Config_Core_V3_AggregatedConfigSource())
        let routes = try #require(output.routes.first as? Envoy_Extensions_Filters_Network_DubboProxy_V3_MultipleRouteConfiguration)
        #expect(output.routes.count == 1 && routes.name == drds.routeConfigName)
        proxy.multipleRouteConfig = routes
        return proxy
    }

    @Test("every match entry becomes its own route (OR), not only match[0]; attachments sorted by name")
    func everyMatchEntry() throws {
        let fixture = try MeshFixture(Self.yaml)
        let proxy = try Self.proxy(try DubboPlugin().outboundFilters(fixture.outbound(["orders.dubbo.svc.cluster.local"], port: 20880)))
        let config = proxy.multipleRouteConfig.routeConfig[0]
        #expect(config.interface == "com.example.OrderService")
        #expect(config.routes.count == 4)
        #expect(config.routes[0].match.method.name.exact == "create")
        #expect(config.routes[1].match.method.name.prefix == "query")
        #expect(config.routes[2].match.method.name.safeRegex.regex == ".*")
        #expect(config.routes[2].match.headers.map(\.name) == ["a-region", "z-tenant"])
        #expect(config.routes[2].match.headers[0].stringMatch.safeRegex.regex == "eu-.*")
        for route in config.routes.prefix(3) { #expect(route.route.cluster == "outbound|20880|v2|orders.dubbo.svc.cluster.local") }
        let weighted = config.routes[3].route.weightedClusters.clusters
        #expect(weighted.map(\.name) == ["outbound|20880|v1|orders.dubbo.svc.cluster.local", "outbound|20880|v2|orders.dubbo.svc.cluster.local"])
        #expect(weighted.map(\.weight.value) == [60, 40])
        #expect(proxy.statPrefix == "outbound|20880||orders.dubbo.svc.cluster.local")
        #expect(proxy.dubboFilters.map(\.name) == ["envoy.filters.dubbo.router"])
    }

    @Test("services sharing a listener each get a route configuration; no annotation means the host is the interface")
    func sharedListener() throws {
        let fixture = try MeshFixture(Self.yaml)
        let context = fixture.outbound(["orders.dubbo.svc.cluster.local", "users.dubbo.svc.cluster.local"], port: 20880)
        let proxy = try Self.proxy(try DubboPlugin().outboundFilters(context))
        let configs = proxy.multipleRouteConfig.routeConfig
        #expect(configs.map(\.interface) == ["com.example.OrderService", "users.dubbo.svc.cluster.local"])
        #expect(configs[1].routes.count == 1)
        #expect(configs[1].routes[0].route.cluster == "outbound|20880||users.dubbo.svc.cluster.local")
    }

    @Test("destinations naming a missing subset are dropped and reported, never emitted")
    func missingSubset() throws {
        let fixture = try MeshFixture(Self.yaml)
        let context = fixture.outbound(["orders.dubbo.svc.cluster.local"], port: 20880, catalog: fixture.catalog(subsets: ["v1"]))
        let output = try DubboPlugin().outboundFilters(context)
        let routes = try Self.proxy(output).multipleRouteConfig.routeConfig[0].routes
        #expect(routes.count == 1, "the v2-only route is skipped; the split keeps v1 only")
        #expect(routes[0].route.cluster == "outbound|20880|v1|orders.dubbo.svc.cluster.local")
        #expect(output.diagnostics.contains { $0.message.contains("outbound|20880|v2|orders.dubbo.svc.cluster.local does not exist") })
    }

    @Test("inbound: a catch-all route to inbound|PORT|| with interface *")
    func inbound() throws {
        let fixture = try MeshFixture(Self.yaml)
        let context = InboundContext(targetPort: 20881, bindings: [fixture.binding("orders.dubbo.svc.cluster.local", port: 20880)], proxy: fixture.proxy)
        let proxy = try Self.proxy(try DubboPlugin().inboundFilters(context))
        #expect(proxy.statPrefix == "inbound|20881||")
        let config = proxy.multipleRouteConfig.routeConfig[0]
        #expect(config.interface == "*")
        #expect(config.routes[0].route.cluster == "inbound|20881||")
    }
}
