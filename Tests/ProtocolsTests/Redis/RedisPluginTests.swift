import EnvoyAPI
import Mesh
import MeshAPI
import Protocols
import SwiftProtobuf
import Testing

@Suite("Redis plugin")
struct RedisPluginTests {
    static let yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: redis, namespace: redis}
        spec:
          hosts: [redis.redis.svc.cluster.local]
          ports: [{number: 6379, name: tcp-redis}]
          resolution: STATIC
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: shadow, namespace: redis}
        spec:
          hosts: [shadow.redis.svc.cluster.local]
          ports: [{number: 6380, name: tcp-redis}]
          resolution: STATIC
        ---
        apiVersion: redis.aeraki.io/v1alpha1
        kind: RedisService
        metadata: {name: redis, namespace: redis}
        spec:
          host: [redis]
          settings: {readPolicy: PREFER_REPLICA, caseInsensitive: true, maxUpstreamUnknownConnections: 7, auth: {plain: {password: pw}}}
          redis:
          - match: {key: {prefix: "a:"}}
            route: {host: redis}
            mirror: [{route: {host: shadow}, percentage: {value: 12.5}}, {route: {host: nowhere}}]
          - match: {key: {prefix: "b:", removePrefix: true}}
            route: {host: nowhere}
          faults: [{type: ERROR, commands: [SET]}]
        """

    static func proxy(_ fixture: MeshFixture) throws -> (Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy, [Diagnostic]) {
        var context = fixture.outbound(["redis.redis.svc.cluster.local"], port: 6379, catalog: fixture.catalog(subsets: []))
        context.bindings[0].redisServices = fixture.index.redisServices(for: "redis.redis.svc.cluster.local", namespace: "redis")
        let output = try RedisPlugin().outboundFilters(context)
        #expect(output.filters.map(\.name) == ["envoy.filters.network.redis_proxy"])
        return (try Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy(unpackingAny: output.filters[0].typedConfig), output.diagnostics)
    }

    @Test("a mirror goes to its own host's port, not the primary route's (Aeraki's bug); a missing mirror is dropped")
    func mirrorPort() throws {
        let (proxy, diagnostics) = try Self.proxy(try MeshFixture(Self.yaml))
        let route = try #require(proxy.prefixRoutes.routes.first)
        #expect(route.prefix == "a:" && route.cluster == "outbound|6379||redis.redis.svc.cluster.local")
        #expect(route.requestMirrorPolicy.map(\.cluster) == ["outbound|6380||shadow.redis.svc.cluster.local"])
        #expect(route.requestMirrorPolicy[0].runtimeFraction.defaultValue.numerator == 125_000)
        #expect(diagnostics.contains { $0.message.contains("mirror cluster outbound|6379||nowhere.redis.svc.cluster.local does not exist") })
    }

    @Test("a route to a missing cluster is skipped and reported; the catch-all stays on the service itself")
    func missingRoute() throws {
        let (proxy, diagnostics) = try Self.proxy(try MeshFixture(Self.yaml))
        #expect(proxy.prefixRoutes.routes.map(\.prefix) == ["a:"])
        #expect(proxy.prefixRoutes.catchAllRoute.cluster == "outbound|6379||redis.redis.svc.cluster.local")
        #expect(diagnostics.contains { $0.message.contains("redis[1]") && $0.message.contains("does not exist") })
    }

    @Test("PREFER_REPLICA stays PREFER_REPLICA; caseInsensitive, unknown-connection limit, auth and faults are honoured")
    func settings() throws {
        let (proxy, _) = try Self.proxy(try MeshFixture(Self.yaml))
        #expect(proxy.settings.readPolicy == .preferReplica)
        #expect(proxy.prefixRoutes.caseInsensitive)
        #expect(proxy.settings.maxUpstreamUnknownConnections.value == 7)
        #expect(proxy.settings.opTimeout.seconds == 60)
        #expect(proxy.downstreamAuthPasswords.map(\.inlineString) == ["pw"])
        #expect(!proxy.hasDownstreamAuthUsername)
        let fault = try #require(proxy.faults.first)
        #expect(fault.faultType == .error && fault.commands == ["SET"])
        #expect(fault.faultEnabled.defaultValue.numerator == 1_000_000, "no percentage: every matching command")
    }

    @Test("a secret reference becomes files under the mount root; the username only when its field is named")
    func secretAuth() throws {
        var auth = Redis_Aeraki_Io_V1alpha1_Auth()
        auth.secret.name = "creds"
        let plainPassword = try #require(RedisAuth.credentials(auth))
        #expect(plainPassword.password.filename == "/etc/aeraki/redis-secrets/creds/password")
        #expect(plainPassword.username == nil)
        auth.secret.passwordField = "token"
        auth.secret.usernameField = "user"
        let both = try #require(RedisAuth.credentials(auth))
        #expect(both.password.filename == "/etc/aeraki/redis-secrets/creds/token")
        #expect(both.username?.filename == "/etc/aeraki/redis-secrets/creds/user")
    }

    @Test("without a RedisService every key goes to the service itself; inbound is a catch-all with a one-hour timeout")
    func defaults() throws {
        let fixture = try MeshFixture(String(Self.yaml.split(separator: "---")[0]))
        let output = try RedisPlugin().outboundFilters(fixture.outbound(["redis.redis.svc.cluster.local"], port: 6379))
        let proxy = try Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(proxy.statPrefix == "outbound|6379||redis.redis.svc.cluster.local")
        #expect(proxy.prefixRoutes.routes.isEmpty && proxy.prefixRoutes.catchAllRoute.cluster == "outbound|6379||redis.redis.svc.cluster.local")
        let inbound = InboundContext(targetPort: 6379, bindings: [fixture.binding("redis.redis.svc.cluster.local", port: 6379)], proxy: fixture.proxy)
        let inProxy = try Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy(
            unpackingAny: try RedisPlugin().inboundFilters(inbound).filters[0].typedConfig
        )
        #expect(inProxy.statPrefix == "inbound|6379||" && inProxy.settings.opTimeout.seconds == 3600)
        #expect(inProxy.prefixRoutes.catchAllRoute.cluster == "inbound|6379||")
    }

    @Test("a Redis Cluster node's inbound stays tcp_proxy, so CLUSTER SLOTS and redirections reach the server")
    func clusterNodeInbound() throws {
        let fixture = try MeshFixture(String(Self.yaml.split(separator: "---")[0]))
        var binding = fixture.binding("redis.redis.svc.cluster.local", port: 6379)
        var destination = Redis_Aeraki_Io_V1alpha1_RedisDestination()
        destination.trafficPolicy.connectionPool.redis.mode = .cluster
        binding.redisDestination = destination
        let output = try RedisPlugin().inboundFilters(InboundContext(targetPort: 6379, bindings: [binding], proxy: fixture.proxy))
        #expect(output.filters.map(\.name) == ["envoy.filters.network.tcp_proxy"])
    }
}
