import EnvoyAPI
import Mesh
import MeshAPI
import Protocols
import SwiftProtobuf
import Testing

@Suite("Thrift rate limiting (inbound, from a MetaRouter)")
struct ThriftRateLimitTests {
    static func yaml(local: String = "tokenBucket: {maxTokens: 10, tokensPerFill: 5, fillInterval: 2s}") -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: hello, namespace: thrift}
        spec:
          hosts: [hello.thrift.svc.cluster.local]
          ports: [{number: 9090, name: tcp-thrift}]
          resolution: STATIC
        ---
        apiVersion: metaprotocol.aeraki.io/v1alpha1
        kind: MetaRouter
        metadata: {name: limits, namespace: thrift}
        spec:
          hosts: [hello.thrift.svc.cluster.local]
          globalRateLimit:
            domain: hello
            match: {attributes: {method: {exact: sayHello}, x-tenant: {prefix: gold}}}
            rateLimitService: outbound|8081||rls.thrift.svc.cluster.local
            requestTimeout: 0.2s
            descriptors: [{property: method, descriptorKey: m}, {property: x-tenant, descriptorKey: t}]
          localRateLimit: {\(local)}
        """
    }

    static func inbound(_ fixture: MeshFixture, clusters: Set<String>) -> InboundContext {
        var binding = fixture.binding("hello.thrift.svc.cluster.local", port: 9090)
        binding.metaRouters = fixture.index.metaRouters(for: "hello.thrift.svc.cluster.local")
        return InboundContext(targetPort: 9090, bindings: [binding], proxy: fixture.proxy, existingClusters: clusters)
    }

    @Test("global: the rate_limit filter before the router, and a limited route for the match with method and header descriptors")
    func global() throws {
        let fixture = try MeshFixture(Self.yaml())
        let output = try ThriftPlugin().inboundFilters(Self.inbound(fixture, clusters: ["outbound|8081||rls.thrift.svc.cluster.local"]))
        #expect(output.filters.map(\.name) == ["envoy.filters.network.local_ratelimit", "envoy.filters.network.thrift_proxy"])
        let proxy = try Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy(unpackingAny: output.filters[1].typedConfig)
        #expect(proxy.thriftFilters.map(\.name) == ["envoy.filters.thrift.rate_limit", "envoy.filters.thrift.router"])
        let config = try Envoy_Extensions_Filters_Network_ThriftProxy_Filters_Ratelimit_V3_RateLimit(unpackingAny: proxy.thriftFilters[0].typedConfig)
        #expect(config.domain == "hello" && config.timeout.nanos == 200_000_000)
        #expect(config.rateLimitService.grpcService.envoyGrpc.clusterName == "outbound|8081||rls.thrift.svc.cluster.local")
        let routes = proxy.routeConfig.routes
        #expect(routes.count == 2)
        #expect(routes[0].match.methodName == "sayHello" && routes[0].match.headers.map(\.name) == ["x-tenant"])
        let actions = try #require(routes[0].route.rateLimits.first).actions
        #expect(actions.map(\.requestHeaders.headerName) == [":method-name", "x-tenant"])
        #expect(actions.map(\.requestHeaders.descriptorKey) == ["m", "t"])
        #expect(routes[1].match.methodName == "" && routes[1].route.rateLimits.isEmpty)
        #expect(routes.allSatisfy { $0.route.cluster == "inbound|9090||" })
    }

    @Test("a rate-limit service the proxy has no cluster for is reported, not sent (Envoy would reject the listener)")
    func missingService() throws {
        let fixture = try MeshFixture(Self.yaml())
        let output = try ThriftPlugin().inboundFilters(Self.inbound(fixture, clusters: []))
        let proxy = try Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy(unpackingAny: output.filters[1].typedConfig)
        #expect(proxy.thriftFilters.map(\.name) == ["envoy.filters.thrift.router"])
        #expect(proxy.routeConfig.routes.count == 1)
        #expect(output.diagnostics.contains { $0.message.contains("rate-limit service cluster") })
    }

    @Test("local: the token bucket limits connections through the network filter")
    func local() throws {
        let fixture = try MeshFixture(Self.yaml())
        let output = try ThriftPlugin().inboundFilters(Self.inbound(fixture, clusters: []))
        let local = try Envoy_Extensions_Filters_Network_LocalRatelimit_V3_LocalRateLimit(unpackingAny: output.filters[0].typedConfig)
        #expect(local.statPrefix == "inbound|9090||")
        #expect(local.tokenBucket.maxTokens == 10 && local.tokenBucket.tokensPerFill.value == 5 && local.tokenBucket.fillInterval.seconds == 2)
    }

    @Test("an unusable token bucket (as read, whatever validation let through) is reported, not sent")
    func unusableBucket() throws {
        let fixture = try MeshFixture(Self.yaml())
        var context = Self.inbound(fixture, clusters: [])
        context.bindings[0].metaRouters[0].spec.localRateLimit.tokenBucket.clearFillInterval()
        let output = try ThriftPlugin().inboundFilters(context)
        #expect(output.filters.map(\.name) == ["envoy.filters.network.thrift_proxy"])
        #expect(output.diagnostics.contains { $0.message.contains("fillInterval") })
    }
}
