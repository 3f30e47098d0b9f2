import EnvoyAPI
import Foundation
import Mesh
import MeshAPI
import Protocols
import SwiftProtobuf
import Testing

/// The MetaProtocol plugin on its own: what Aeraki got wrong (map-ordered attributes, dropped empty
/// matches, no top-level hash fallback) and the edge cases the goldens do not show.
@Suite("MetaProtocol plugin")
struct MetaProtocolPluginTests {
    static let host = "svc.demo.svc.cluster.local"
    static let service = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: svc, namespace: demo}
        spec:
          hosts: [svc.demo.svc.cluster.local]
          addresses: [240.240.0.1]
          ports: [{number: 20880, name: tcp-metaprotocol-dubbo}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.1}]
        """

    static let subsets = """

        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: svc, namespace: demo}
        spec: {host: svc.demo.svc.cluster.local, subsets: [{name: v1, labels: {v: "1"}}, {name: v2, labels: {v: "2"}}]}
        """

    static func router(_ name: String, _ body: String) -> String {
        """

        ---
        apiVersion: metaprotocol.aeraki.io/v1alpha1
        kind: MetaRouter
        metadata: {name: \(name), namespace: demo}
        spec:
          hosts: [svc.demo.svc.cluster.local]
        \(body)
        """
    }

    static let capable = ProxyIdentity(
        ipAddresses: ["10.9.0.1"], workloadName: "client", namespace: "demo", metadata: [ProxyCapabilities.metadataKey: "meta_protocol_proxy"]
    )

    static func context(_ yaml: String) throws -> RouteContext {
        let fixture = try MeshFixture(yaml)
        var binding = fixture.binding(host, port: 20880)
        binding.metaRouters = fixture.index.metaRouters(for: host, proxy: capable)
        let rule = ProxyRules(index: fixture.index, proxy: capable).destinationRule(for: binding.service)
        return RouteContext(binding: binding, proxy: capable, catalog: fixture.catalog(), destinationRules: rule.map { [host: $0] } ?? [:])
    }

    static func routes(_ output: PluginOutput) throws -> [Envoy_Config_Route_V3_Route] {
        let config = try #require(output.routes.first as? Envoy_Config_Route_V3_RouteConfiguration)
        #expect(config.name == "\(host)_20880")
        #expect(config.virtualHosts.count == 1 && config.virtualHosts[0].domains == ["*"])
        return config.virtualHosts[0].routes
    }

    @Test("attributes become matchers sorted by name; empty, '*' and empty exact are presence checks")
    func attributeOrderAndPresence() throws {
        let yaml = Self.service + Self.router("r", """
              routes:
              - name: r
                match: {attributes: {zeta: {exact: z}, alpha: {}, mid: {regex: "*"}, beta: {exact: ""}, gamma: {regex: "^g+$"}}}
                route: [{destination: {host: svc.demo.svc.cluster.local}}]
            """)
        let routes = try Self.routes(try MetaProtocolPlugin().routeResources(try Self.context(yaml)))
        let headers = routes[0].match.headers
        #expect(headers.map(\.name) == ["alpha", "beta", "gamma", "mid", "zeta"])
        #expect(headers[0].presentMatch && headers[1].presentMatch && headers[3].presentMatch)
        #expect(headers[2].stringMatch.safeRegex.regex == "^g+$")
        #expect(headers[4].stringMatch.exact == "z")
        #expect(routes[0].match.prefix == "/")
    }

    @Test("a mirror without a percentage mirrors everything; a missing mirror cluster is dropped and reported")
    func mirrorDefaults() throws {
        let yaml = Self.service + Self.router("r", """
              routes:
              - name: all
                route: [{destination: {host: svc.demo.svc.cluster.local}}]
                mirror: {host: svc.demo.svc.cluster.local, subset: v2}
              - name: nowhere
                match: {attributes: {method: {exact: a}}}
                route: [{destination: {host: svc.demo.svc.cluster.local}}]
                mirror: {host: svc.demo.svc.cluster.local, port: {number: 9999}}
            """) + Self.subsets
        let output = try MetaProtocolPlugin().routeResources(try Self.context(yaml))
        let routes = try Self.routes(output)
        let fraction = routes[0].route.requestMirrorPolicies[0].runtimeFraction.defaultValue
        #expect(fraction.numerator == 1_000_000 && fraction.denominator == .million)
        #expect(routes[1].route.requestMirrorPolicies.isEmpty)
        #expect(output.diagnostics.contains { $0.message.contains("outbound|9999||\(Self.host) does not exist; mirror dropped") })
    }

    @Test("routes whose destinations do not exist are skipped; with none left the default route serves")
    func missingDestinationsFallBackToDefault() throws {
        let yaml = Self.service + Self.router("r", """
              routes:
              - name: ghost
                route: [{destination: {host: svc.demo.svc.cluster.local, port: {number: 9999}}}]
            """)
        let output = try MetaProtocolPlugin().routeResources(try Self.context(yaml))
        let routes = try Self.routes(output)
        #expect(routes.map(\.name) == ["default"])
        #expect(routes[0].route.cluster == "outbound|20880||\(Self.host)")
        #expect(output.diagnostics.contains { $0.message.contains("demo/r routes[0]: no destination names an existing cluster") })
    }

    @Test("a later MetaRouter for the same host is reported as shadowed")
    func shadowedRouters() throws {
        var older = Self.router("older", """
              routes: [{name: a, route: [{destination: {host: svc.demo.svc.cluster.local}}]}]
            """)
        older = older.replacingOccurrences(of: "namespace: demo}", with: "namespace: demo, creationTimestamp: \"2024-01-01T00:00:00Z\"}")
        var newer = Self.router("newer", """
              routes: [{name: b, route: [{destination: {host: svc.demo.svc.cluster.local}}]}]
            """)
        newer = newer.replacingOccurrences(of: "namespace: demo}", with: "namespace: demo, creationTimestamp: \"2025-01-01T00:00:00Z\"}")
        let output = try MetaProtocolPlugin().routeResources(try Self.context(Self.service + newer + older))
        #expect(try Self.routes(output).map(\.name) == ["a"])
        let shadowed = try #require(output.diagnostics.first { $0.message.contains("MetaRouter demo/newer shadowed by the older demo/older") })
        #expect(shadowed.code == .shadowedConfig)
        #expect(shadowed.config == ConfigKey(kind: .metaRouter, namespace: "demo", name: "newer"))
    }

    @Test("hash policies: a subset's own consistent hash, else the rule's top level; other hash keys are reported")
    func hashPolicyFallback() throws {
        let rule = """

            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: svc, namespace: demo}
            spec:
              host: svc.demo.svc.cluster.local
              trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: interface}}}
              subsets:
              - {name: v1, labels: {v: "1"}, trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: method}}}}
              - {name: v2, labels: {v: "2"}, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}}
            """
        let yaml = Self.service + rule + Self.router("r", """
              routes:
              - {name: own, match: {attributes: {a: {exact: a}}}, route: [{destination: {host: svc.demo.svc.cluster.local, subset: v1}}]}
              - {name: source-ip, match: {attributes: {b: {exact: b}}}, route: [{destination: {host: svc.demo.svc.cluster.local, subset: v2}}]}
              - {name: top, route: [{destination: {host: svc.demo.svc.cluster.local}}]}
            """)
        let output = try MetaProtocolPlugin().routeResources(try Self.context(yaml))
        let routes = try Self.routes(output)
        let hashed: [[String]] = routes.map { route in route.route.hashPolicy.map { $0.header.headerName } }
        #expect(hashed == [["method"], [], ["interface"]])
        #expect(output.diagnostics.contains { $0.message.contains("hashes on request metadata only") })
    }

    @Test("inbound: local then global rate limit, then metadata exchange, istio stats and router")
    func inboundFilterOrder() throws {
        let yaml = Self.service + Self.router("r", """
              localRateLimit: {tokenBucket: {maxTokens: 5, tokensPerFill: 5, fillInterval: 60s}}
              globalRateLimit:
                domain: production
                requestTimeout: 0.1s
                rateLimitService: outbound|8081||rls.demo.svc.cluster.local
                descriptors: [{property: method, descriptorKey: method}]
            """)
        let fixture = try MeshFixture(yaml)
        var binding = fixture.binding(Self.host, port: 20880)
        binding.metaRouters = fixture.index.metaRouters(for: Self.host, proxy: Self.capable)
        let context = InboundContext(
            targetPort: 20880, bindings: [binding], proxy: Self.capable, existingClusters: ["outbound|8081||rls.demo.svc.cluster.local"]
        )
        let output = try MetaProtocolPlugin().inboundFilters(context)
        let proxy = try Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(proxy.metaProtocolFilters.map(\.name) == [
            "aeraki.meta_protocol.filters.local_ratelimit", "aeraki.meta_protocol.filters.ratelimit",
            "aeraki.meta_protocol.filters.metadata_exchange", "aeraki.meta_protocol.filters.istio_stats", "aeraki.meta_protocol.filters.router",
        ])
        #expect(proxy.routeConfig.routes[0].route.cluster == "inbound|20880||")
        #expect(!proxy.hasTracing, "no tracing when the mesh does not ask for it")
    }

    @Test("outbound: no rate limits, RDS on ADS named <host>_<port>, and the listener refers to it")
    func outboundUsesADS() throws {
        let fixture = try MeshFixture(Self.service)
        let context = OutboundContext(
            listenerPort: 20880, listenerName: "240.240.0.1_20880", bindings: [fixture.binding(Self.host, port: 20880)], proxy: Self.capable,
            catalog: fixture.catalog(), tracingSampling: 5
        )
        let output = try MetaProtocolPlugin().outboundFilters(context)
        let proxy = try Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolProxy(unpackingAny: output.filters[0].typedConfig)
        #expect(proxy.rds.routeConfigName == "\(Self.host)_20880")
        #expect(proxy.rds.configSource.ads == Envoy_Config_Core_V3_AggregatedConfigSource())
        #expect(output.routeReferences == ["\(Self.host)_20880"])
        #expect(proxy.metaProtocolFilters.map(\.name).first == "aeraki.meta_protocol.filters.metadata_exchange")
        #expect(proxy.tracing.randomSampling.value == 5 && proxy.tracing.clientSampling.value == 100)
        #expect(proxy.codec.name == "aeraki.meta_protocol.codec.dubbo" && proxy.protocol.codec.name == proxy.codec.name)
    }
}
