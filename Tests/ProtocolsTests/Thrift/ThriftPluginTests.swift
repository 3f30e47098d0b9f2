import EnvoyAPI
import Mesh
import Protocols
import SwiftProtobuf
import Testing

@Suite("Thrift plugin")
struct ThriftPluginTests {
    static let yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: hello, namespace: thrift}
        spec:
          hosts: [hello.thrift.svc.cluster.local]
          ports: [{number: 9090, name: tcp-thrift}]
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: hello, namespace: thrift}
        spec:
          host: hello.thrift.svc.cluster.local
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: hello, namespace: thrift}
        spec:
          hosts: [hello.thrift.svc.cluster.local]
          http:
          - match: [{method: {exact: sayHello}}, {uri: {exact: Calc}}, {uri: {prefix: /Admin}, method: {exact: reset}}]
            route: [{destination: {host: hello.thrift.svc.cluster.local, subset: v2}}]
          - match: [{method: {regex: "get.*"}}]
            route: [{destination: {host: hello.thrift.svc.cluster.local, subset: v2}}]
          - match: [{headers: {x-user: {prefix: test-}}}]
            route: [{destination: {host: hello.thrift.svc.cluster.local, subset: v2}}]
            mirrors: [{destination: {host: hello.thrift.svc.cluster.local, subset: v9}}]
          - route: [{destination: {host: hello.thrift.svc.cluster.local, subset: v1}}]
            mirror: {host: hello.thrift.svc.cluster.local, subset: v2}
            mirrorPercentage: {value: 25}
        """

    /// The outbound filter's config with its discovered route resource put back inline (after
    /// checking that `trds` names it over ADS), so route assertions read one place.
    static func proxy(_ output: PluginOutput) throws -> Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy {
        #expect(output.filters.map(\.name) == ["envoy.filters.network.thrift_proxy"])
        var proxy = try Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(proxy.hasTrds && !proxy.hasRouteConfig)
        #expect(proxy.trds.configSource.ads == Envoy_Config_Core_V3_AggregatedConfigSource())
        let route = try #require(output.routes.first as? Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration)
        #expect(output.routes.count == 1 && route.name == proxy.trds.routeConfigName)
        proxy.routeConfig = route
        return proxy
    }

    @Test("a proxy announcing inline_l7_routes gets the routes inline and no route resource")
    func inlineRoutes() throws {
        let fixture = try MeshFixture(Self.yaml)
        var context = fixture.outbound(["hello.thrift.svc.cluster.local"], port: 9090)
        context.proxy.metadata[ProxyCapabilities.metadataKey] = "inline_l7_routes"
        let output = try ThriftPlugin().outboundFilters(context)
        let proxy = try Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(!proxy.hasTrds && proxy.routeConfig.routes.count == 5)
        #expect(output.routes.isEmpty)
    }

    @Test("method, service and service:method matches from http.match; a regex method is skipped and reported")
    func matches() throws {
        let fixture = try MeshFixture(Self.yaml)
        let output = try ThriftPlugin().outboundFilters(fixture.outbound(["hello.thrift.svc.cluster.local"], port: 9090))
        let routes = try Self.proxy(output).routeConfig.routes
        #expect(routes.count == 5)
        #expect(routes[0].match.methodName == "sayHello")
        #expect(routes[1].match.serviceName == "Calc")
        #expect(routes[2].match.methodName == "Admin:reset")
        #expect(routes[3].match.headers[0].name == "x-user")
        #expect(routes[3].match.headers[0].stringMatch.prefix == "test-")
        #expect(routes[3].match.methodName == "", "a header-only match still sets the required match specifier")
        #expect(output.diagnostics.contains { $0.message.contains("prefix or regex method") })
    }

    @Test("mirror + mirrorPercentage become a request mirror policy in millionths; mirrors to missing clusters are dropped")
    func mirroring() throws {
        let fixture = try MeshFixture(Self.yaml)
        let output = try ThriftPlugin().outboundFilters(fixture.outbound(["hello.thrift.svc.cluster.local"], port: 9090))
        let routes = try Self.proxy(output).routeConfig.routes
        #expect(routes[3].route.requestMirrorPolicies.isEmpty)
        let mirror = try #require(routes[4].route.requestMirrorPolicies.first)
        #expect(mirror.cluster == "outbound|9090|v2|hello.thrift.svc.cluster.local")
        #expect(mirror.runtimeFraction.defaultValue.numerator == 250_000)
        #expect(mirror.runtimeFraction.defaultValue.denominator == .million)
        #expect(output.diagnostics.contains { $0.message.contains("mirror cluster outbound|9090|v9|") })
    }

    @Test("no VirtualService: one catch-all route (empty method name) to outbound|PORT||HOST")
    func defaultRoute() throws {
        let fixture = try MeshFixture(String(Self.yaml.split(separator: "---")[0]))
        let proxy = try Self.proxy(try ThriftPlugin().outboundFilters(fixture.outbound(["hello.thrift.svc.cluster.local"], port: 9090)))
        #expect(proxy.routeConfig.routes.count == 1)
        #expect(proxy.routeConfig.routes[0].match.methodName == "")
        #expect(proxy.routeConfig.routes[0].route.cluster == "outbound|9090||hello.thrift.svc.cluster.local")
        #expect(proxy.transport == .autoTransport && proxy.protocol == .autoProtocol)
    }
}
