import EnvoyAPI
import Mesh
import Protocols
import SwiftProtobuf
import Testing

@Suite("HTTP plugin")
struct HTTPPluginTests {
    /// The `web` service and its DestinationRule (subsets v1, v2).
    static let service = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: web, namespace: demo}
        spec:
          hosts: [web.demo.svc.cluster.local]
          addresses: [10.96.0.1]
          ports: [{number: 8080, name: http, protocol: HTTP}]
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: demo}
        spec:
          host: web
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        """

    static let yaml = service + """

        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: demo}
        spec:
          hosts: [web]
          http:
          - match: [{sourceLabels: {app: admin}, uri: {prefix: /admin}}]
            route: [{destination: {host: web, subset: v2}}]
          - match: [{uri: {prefix: /}}]
            route: [{destination: {host: web, subset: v1}}]
            retries: {attempts: 4, retryOn: "gateway-error,429,999"}
          - route: [{destination: {host: web, subset: v2}}]
        """

    static func routeConfiguration(_ fixture: MeshFixture) throws -> Envoy_Config_Route_V3_RouteConfiguration {
        let output = try HTTPPlugin().outboundFilters(fixture.outbound(["web.demo.svc.cluster.local"], port: 8080))
        return try #require(output.routes.first as? Envoy_Config_Route_V3_RouteConfiguration)
    }

    @Test("the outbound chain is one connection manager fetching route \"<port>\" over ADS, router last")
    func listenerFilters() throws {
        let fixture = try MeshFixture(Self.yaml)
        let output = try HTTPPlugin().outboundFilters(fixture.outbound(["web.demo.svc.cluster.local"], port: 8080))
        #expect(HTTPPlugin().discoversRoutes(for: fixture.proxy), "the generator keeps the routes apart from the listener")
        #expect((output.routes.first as? Envoy_Config_Route_V3_RouteConfiguration)?.name == "8080")
        let hcm = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(unpackingAny: output.filters[0].typedConfig)
        #expect(hcm.rds.routeConfigName == "8080")
        #expect(hcm.rds.configSource.ads == Envoy_Config_Core_V3_AggregatedConfigSource())
        #expect(hcm.statPrefix == "outbound_0.0.0.0_8080;")
        #expect(hcm.httpFilters.map(\.name) == ["envoy.filters.http.grpc_stats", "envoy.filters.http.fault", "envoy.filters.http.cors", "envoy.filters.http.router"])
    }

    @Test("a sourceLabels match for other workloads is skipped, and routes after a catch-all are dropped")
    func catchAll() throws {
        let routes = try Self.routeConfiguration(MeshFixture(Self.yaml)).virtualHosts[0].routes
        #expect(routes.count == 1)
        #expect(routes[0].route.cluster == "outbound|8080|v1|web.demo.svc.cluster.local")
        #expect(routes[0].match.prefix == "/")
    }

    @Test("the sourceLabels match applies to a proxy with those labels")
    func sourceLabels() throws {
        let routes = try Self.routeConfiguration(MeshFixture(Self.yaml, labels: ["app": "admin"])).virtualHosts[0].routes
        #expect(routes.map(\.route.cluster) == ["outbound|8080|v2|web.demo.svc.cluster.local", "outbound|8080|v1|web.demo.svc.cluster.local"])
    }

    @Test("retryOn status codes become retriable_status_codes; unknown numbers stay conditions")
    func retries() throws {
        let route = try Self.routeConfiguration(MeshFixture(Self.yaml)).virtualHosts[0].routes[0]
        #expect(route.route.retryPolicy.numRetries.value == 4)
        #expect(route.route.retryPolicy.retriableStatusCodes == [429])
        #expect(route.route.retryPolicy.retryOn == "gateway-error,999,retriable-status-codes")
        #expect(route.route.retryPolicy.retryHostPredicate.map(\.name) == ["envoy.retry_host_predicates.previous_hosts"])
    }

    @Test("the mesh default retry policy replaces Istio's where a route has no retries; attempts 0 turns them off; VirtualService retries win")
    func meshDefaultRetries() throws {
        let fixture = try MeshFixture(Self.yaml, labels: ["app": "admin"])
        func routes(_ policy: MeshConfig.RetryPolicy?) throws -> [Envoy_Config_Route_V3_Route] {
            var context = fixture.outbound(["web.demo.svc.cluster.local"], port: 8080)
            context.defaultHTTPRetryPolicy = policy
            let output = try HTTPPlugin().outboundFilters(context)
            return try #require(output.routes.first as? Envoy_Config_Route_V3_RouteConfiguration).virtualHosts[0].routes
        }
        let istio = try routes(nil)
        #expect(istio[0].route.retryPolicy.numRetries.value == 2)
        #expect(istio[0].route.retryPolicy.retryOn == "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        let mesh = try routes(MeshConfig.RetryPolicy(attempts: 5, perTryTimeout: .milliseconds(1500), retryOn: "reset,503"))
        #expect(mesh[0].route.retryPolicy.numRetries.value == 5)
        #expect(mesh[0].route.retryPolicy.retryOn == "reset,retriable-status-codes")
        #expect(mesh[0].route.retryPolicy.retriableStatusCodes == [503])
        #expect(mesh[0].route.retryPolicy.perTryTimeout == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000))
        #expect(mesh[0].route.retryPolicy.hostSelectionRetryMaxAttempts == 5)
        #expect(mesh[1].route.retryPolicy.numRetries.value == 4, "the VirtualService's retries win")
        let off = try routes(MeshConfig.RetryPolicy(attempts: 0))
        #expect(!off[0].route.hasRetryPolicy)
    }

    @Test("connection managers carry istiod's tracing sampling when the mesh traces, and none when it does not")
    func tracing() throws {
        let fixture = try MeshFixture(Self.yaml)
        func hcm(_ sampling: Double?) throws -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager {
            var context = fixture.outbound(["web.demo.svc.cluster.local"], port: 8080)
            context.tracingSampling = sampling
            let output = try HTTPPlugin().outboundFilters(context)
            return try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(unpackingAny: output.filters[0].typedConfig)
        }
        let traced = try hcm(12.5)
        #expect(traced.tracing.randomSampling.value == 12.5)
        #expect(traced.tracing.clientSampling.value == 100 && traced.tracing.overallSampling.value == 100)
        #expect(try !hcm(nil).hasTracing)
    }

    @Test("virtual host domains: short names of the proxy's own namespace, VIP, trailing-dot FQDN; allow_any last")
    func domains() throws {
        let config = try Self.routeConfiguration(MeshFixture(Self.yaml))
        #expect(config.virtualHosts.map(\.name) == ["web.demo.svc.cluster.local:8080", "allow_any"])
        #expect(config.virtualHosts[0].domains == [
            "web.demo.svc.cluster.local", "web.demo.svc.cluster.local.", "web", "web.demo.svc", "web.demo", "10.96.0.1",
        ])
        let other = try Self.routeConfiguration(MeshFixture(Self.yaml, proxyNamespace: "other"))
        #expect(other.virtualHosts[0].domains == [
            "web.demo.svc.cluster.local", "web.demo.svc.cluster.local.", "web.demo", "web.demo.svc", "10.96.0.1",
        ])
        let service = try MeshFixture(Self.yaml).index.services(hostname: "web.demo.svc.cluster.local")[0]
        var external = service
        external.hostname = "api.example.com"
        external.addresses = []
        #expect(VirtualHostDomains.domains(external, port: 443, proxyDNSDomain: "demo.svc.cluster.local") == ["api.example.com", "api.example.com."])
        #expect(VirtualHostDomains.domains(service, port: 8080, proxyDNSDomain: "demo.svc.cluster.local", withPort: true).prefix(4) == [
            "web.demo.svc.cluster.local", "web.demo.svc.cluster.local:8080", "web.demo.svc.cluster.local.", "web.demo.svc.cluster.local.:8080",
        ])
    }

    @Test("inbound: an inline route configuration to inbound|PORT|| with retries before the request reached the app")
    func inbound() throws {
        let fixture = try MeshFixture(Self.yaml)
        let binding = fixture.binding("web.demo.svc.cluster.local", port: 8080)
        let output = try HTTPPlugin().inboundFilters(InboundContext(targetPort: 18080, bindings: [binding], proxy: fixture.proxy))
        let hcm = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(unpackingAny: output.filters[0].typedConfig)
        #expect(hcm.routeConfig.name == "inbound|18080||")
        #expect(hcm.routeConfig.virtualHosts[0].name == "inbound|http|8080")
        #expect(hcm.routeConfig.virtualHosts[0].routes[0].route.cluster == "inbound|18080||")
        #expect(hcm.routeConfig.virtualHosts[0].routes[0].route.retryPolicy.retryOn == "reset-before-request")
        #expect(hcm.serverName == "istio-envoy")
        #expect(!hcm.hasHTTP2ProtocolOptions)
    }

    @Test("protocol detection: port name prefixes, appProtocol values and gRPC-Web before the dash split")
    func detection() {
        #expect(MeshProtocol.detect(portName: "grpc-web-ui", protocol: "", codecs: [:]) == .grpcWeb)
        #expect(MeshProtocol.detect(portName: "grpc-api", protocol: "", codecs: [:]) == .grpc)
        #expect(MeshProtocol.detect(portName: "web", protocol: "kubernetes.io/h2c", codecs: [:]) == .http2)
        #expect(MeshProtocol.detect(portName: "web", protocol: "kubernetes.io/ws", codecs: [:]) == .http)
        #expect(MeshProtocol.detect(portName: "http2-x", protocol: "", codecs: [:]) == .http2)
        #expect(MeshProtocol.detect(portName: "web", protocol: "", codecs: [:]) == .unknown)
        let registry = PluginRegistry.standard
        for proto in [MeshProtocol.http, .http2, .grpc, .grpcWeb] { #expect(registry.plugin(for: proto) is HTTPPlugin) }
        #expect(registry.plugin(for: .unknown) is TCPProxyPlugin)
    }

    @Test("REGISTRY_ONLY: the catch-all virtual host answers 502 instead of passing through")
    func registryOnly() throws {
        let fixture = try MeshFixture(Self.yaml)
        var context = fixture.outbound(["web.demo.svc.cluster.local"], port: 8080)
        context.allowAnyHost = false
        let config = try #require(try HTTPPlugin().outboundFilters(context).routes.first as? Envoy_Config_Route_V3_RouteConfiguration)
        let last = try #require(config.virtualHosts.last)
        #expect(last.name == "block_all")
        #expect(last.domains == ["*"])
        #expect(last.routes[0].directResponse.status == 502)
    }

    @Test("proxyless routes carry max_stream_duration and leave out what gRPC rejects (CORS, redirects)")
    func proxylessRoutes() throws {
        let yaml = Self.yaml + """

            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: api, namespace: demo}
            spec:
              hosts: [api.demo.svc.cluster.local]
              ports: [{number: 7070, name: grpc}]
              resolution: STATIC
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: api, namespace: demo}
            spec:
              hosts: [api]
              http:
              - match: [{headers: {x-moved: {exact: "yes"}}}]
                redirect: {uri: /elsewhere}
              - route: [{destination: {host: api}}]
                timeout: 2s
                corsPolicy: {allowOrigins: [{exact: "https://example.com"}]}
            """
        let fixture = try MeshFixture(yaml)
        var context = fixture.outbound(["api.demo.svc.cluster.local"], port: 7070)
        context.proxy.metadata["GENERATOR"] = "grpc"
        let output = ProxylessGRPC.routeConfiguration(context)
        let config = try #require(output.routes.first as? Envoy_Config_Route_V3_RouteConfiguration)
        #expect(config.name == "outbound|7070||api.demo.svc.cluster.local")
        let routes = config.virtualHosts[0].routes
        #expect(routes.count == 1)
        #expect(routes[0].route.maxStreamDuration.maxStreamDuration.seconds == 2)
        #expect(routes[0].typedPerFilterConfig.isEmpty)
        #expect(config.virtualHosts[0].domains.contains("api:7070"))
        #expect(output.diagnostics.contains { $0.message.contains("corsPolicy") } && output.diagnostics.contains { $0.message.contains("redirect") })
        #expect(ProxylessGRPC.clientHosts(context.primary.service, proxy: context.proxy)
            == ["api.demo.svc.cluster.local", "api", "api.demo", "api.demo.svc"])
    }
}
