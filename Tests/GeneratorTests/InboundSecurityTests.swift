import EnvoyAPI
import Foundation
@testable import Generator
import Mesh
import MeshAPI
import Protocols
import SwiftProtobuf
import Testing

/// The security stage on chains built by hand: HTTP RBAC inside a connection manager (the HTTP
/// plugin lands separately), dry run, CUSTOM, and the chains per mode.
@Suite("Inbound security stage")
struct InboundSecurityTests {
    typealias HCM = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager

    static func policy(_ name: String, _ yaml: String, annotations: String = "{}") -> MeshResource {
        let parsed = MeshYAMLParser().parse("""
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: \(name), namespace: default, annotations: \(annotations)}
            spec: \(yaml)
            """, source: "test")
        #expect(parsed.errors.isEmpty, "\(parsed.errors)")
        return parsed.resources[0]
    }

    static let viewer = policy("reviews-viewer", """
        {selector: {matchLabels: {app: reviews}}, rules: [{from: [{source: {principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]}}], to: [{operation: {methods: ["GET"]}}]}]}
        """)

    static func stage(_ policies: [MeshResource], mode: MutualTLSMode = .permissive, diagnostics: inout [Diagnostic]) throws -> InboundSecurity {
        var pa = EffectivePeerAuthentication()
        pa.mode = mode
        return try InboundSecurity(peerAuthentication: pa, authorizationPolicies: policies, dubboPolicies: [:], dubboRBAC: false,
                                   trustDomains: ["cluster.local"], diagnostics: &diagnostics)
    }

    static func connectionManager() throws -> Envoy_Config_Listener_V3_Filter {
        var manager = HCM()
        manager.statPrefix = "inbound_0.0.0.0_8080"
        for name in ["envoy.filters.http.fault", "envoy.filters.http.router"] {
            var filter = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
            filter.name = name
            manager.httpFilters.append(filter)
        }
        return try .typed(InboundSecurity.httpConnectionManager, manager)
    }

    @Test("HTTP RBAC goes into the connection manager before the router, with istiod's policy name and matchers")
    func httpRBACBeforeRouter() throws {
        var diagnostics: [Diagnostic] = []
        let stage = try Self.stage([Self.viewer], diagnostics: &diagnostics)
        let chains = try stage.chains(port: 8080, namespaces: ["default"], filters: [try Self.connectionManager()])
        #expect(chains.map(\.filterChainMatch.transportProtocol) == ["tls", "raw_buffer"], "PERMISSIVE HTTP: mTLS and plaintext")
        #expect(chains[0].filterChainMatch.applicationProtocols == InboundSecurity.istioALPNs)
        #expect(chains[0].hasTransportSocket && !chains[1].hasTransportSocket)
        for chain in chains {
            #expect(chain.filters.map(\.name) == [InboundSecurity.httpConnectionManager], "no network RBAC on HTTP chains")
            let manager = try HCM(unpackingAny: chain.filters[0].typedConfig)
            #expect(manager.httpFilters.map(\.name) == ["envoy.filters.http.fault", "envoy.filters.http.rbac", "envoy.filters.http.router"])
            let rbac = try Envoy_Extensions_Filters_Http_Rbac_V3_RBAC(unpackingAny: manager.httpFilters[1].typedConfig)
            #expect(rbac.rules.action == .allow)
            #expect(rbac.shadowRulesStatPrefix == "istio_dry_run_allow_")
            let policy = try #require(rbac.rules.policies["ns[default]-policy[reviews-viewer]-rule[0]"])
            #expect(policy.permissions[0].andRules.rules[0].orRules.rules[0].header.name == ":method")
            #expect(policy.permissions[0].andRules.rules[0].orRules.rules[0].header.stringMatch.exact == "GET")
            #expect(policy.principals[0].andIds.ids[0].orIds.ids[0].authenticated.principalName.exact
                    == "spiffe://cluster.local/ns/default/sa/bookinfo-productpage")
        }
    }

    @Test("on a TCP chain an ALLOW rule with an HTTP attribute is dropped: an empty ALLOW denies every connection")
    func httpOnlyAllowOnTCP() throws {
        var diagnostics: [Diagnostic] = []
        let stage = try Self.stage([Self.viewer], mode: .strict, diagnostics: &diagnostics)
        let proxy = try TCPProxyPlugin.filter(statPrefix: "inbound|9090||", target: .cluster("inbound|9090||"))
        let chains = try stage.chains(port: 9090, namespaces: ["default"], filters: [proxy])
        #expect(chains.count == 1 && chains[0].filterChainMatch.transportProtocol == "tls")
        #expect(chains[0].filters.map(\.name) == ["envoy.filters.network.rbac", TCPProxyPlugin.filterName])
        let rbac = try Envoy_Extensions_Filters_Network_Rbac_V3_RBAC(unpackingAny: chains[0].filters[0].typedConfig)
        #expect(rbac.hasRules && rbac.rules.policies.isEmpty && rbac.rules.action == .allow)
        #expect(rbac.statPrefix == "tcp.")
        #expect(diagnostics.contains { $0.message.contains("ns[default]-policy[reviews-viewer]-rule[0]") && $0.message.contains("rule skipped") })
    }

    @Test("a DENY rule loses its HTTP attribute on TCP chains and denies more; dry run goes to shadow rules")
    func denyAndDryRun() throws {
        var diagnostics: [Diagnostic] = []
        let deny = Self.policy("deny-get", "{action: DENY, rules: [{from: [{source: {namespaces: [test]}}], to: [{operation: {methods: [GET]}}]}]}")
        let dryRun = Self.policy("dry", "{action: DENY, rules: [{from: [{source: {ipBlocks: [10.0.0.0/8]}}]}]}", annotations: "{istio.io/dry-run: \"true\"}")
        let stage = try Self.stage([deny, dryRun], diagnostics: &diagnostics)
        let proxy = try TCPProxyPlugin.filter(statPrefix: "x", target: .cluster("x"))
        let filters = try stage.authorized([proxy], namespaces: [])
        let rbac = try Envoy_Extensions_Filters_Network_Rbac_V3_RBAC(unpackingAny: filters[0].typedConfig)
        #expect(rbac.rules.action == .deny)
        let enforced = try #require(rbac.rules.policies["ns[default]-policy[deny-get]-rule[0]"])
        #expect(enforced.permissions[0].andRules.rules[0].any, "the method condition is dropped: any permission")
        #expect(enforced.principals[0].andIds.ids[0].orIds.ids[0].authenticated.principalName.safeRegex.regex == ".*/ns/test/.*")
        #expect(rbac.shadowRules.action == .deny)
        #expect(rbac.shadowRules.policies["ns[default]-policy[dry]-rule[0]"]?.principals[0].andIds.ids[0].orIds.ids[0].directRemoteIp.addressPrefix == "10.0.0.0")
        #expect(rbac.shadowRulesStatPrefix == "istio_dry_run_deny_")
    }

    @Test("AUDIT, DENY and ALLOW filters come in istiod's order; CUSTOM without a provider denies")
    func order() throws {
        var diagnostics: [Diagnostic] = []
        let policies = [
            Self.policy("allow", "{rules: [{from: [{source: {namespaces: [a]}}]}]}"),
            Self.policy("custom", "{action: CUSTOM, provider: {name: ext}, rules: [{to: [{operation: {ports: [\"8080\"]}}]}]}"),
            Self.policy("audit", "{action: AUDIT, rules: [{}]}"),
        ]
        let stage = try Self.stage(policies, diagnostics: &diagnostics)
        let filters = try stage.authorized([try TCPProxyPlugin.filter(statPrefix: "x", target: .cluster("x"))], namespaces: [])
        let actions = try filters.dropLast().map { try Envoy_Extensions_Filters_Network_Rbac_V3_RBAC(unpackingAny: $0.typedConfig).rules.action }
        #expect(actions == [.log, .deny, .allow])
        let deny = try Envoy_Extensions_Filters_Network_Rbac_V3_RBAC(unpackingAny: filters[1].typedConfig)
        #expect(deny.rules.policies.keys.sorted() == ["ns[default]-policy[custom]-rule[0]-deny-due-to-bad-CUSTOM-action"])
        let custom = try #require(diagnostics.first { $0.message.contains("CUSTOM") })
        #expect(custom.code == .unsupportedAuthorization)
        #expect(custom.config == ConfigKey(kind: .authorizationPolicy, namespace: "default", name: "custom"))
    }

    @Test("an ALLOW policy without rules allows nothing")
    func allowNothing() throws {
        var diagnostics: [Diagnostic] = []
        let stage = try Self.stage([Self.policy("allow-nothing", "{}")], diagnostics: &diagnostics)
        let filters = try stage.authorized([try TCPProxyPlugin.filter(statPrefix: "x", target: .cluster("x"))], namespaces: [])
        let rbac = try Envoy_Extensions_Filters_Network_Rbac_V3_RBAC(unpackingAny: filters[0].typedConfig)
        let policy = try #require(rbac.rules.policies["ns[default]-policy[allow-nothing]-rule[0]"])
        #expect(policy.permissions[0].notRule.any && policy.principals[0].notID.any)
    }

    @Test("chains per mode: STRICT has no plaintext chain, DISABLE no TLS; the TLS inspector follows")
    func modes() throws {
        #expect(InboundSecurity.matches(.strict, http: false).map(\.transport) == ["tls"])
        #expect(InboundSecurity.matches(.permissive, http: false).map(\.transport) == ["tls", "tls", "raw_buffer"])
        #expect(InboundSecurity.matches(.disable, http: true).map(\.transport) == ["raw_buffer"])
        var chainA = Envoy_Config_Listener_V3_FilterChain()
        chainA.filterChainMatch.destinationPort = Google_Protobuf_UInt32Value(15006)
        var chainB = Envoy_Config_Listener_V3_FilterChain()
        chainB.filterChainMatch.transportProtocol = "tls"
        let inspector = try #require(try VirtualListeners.tlsInspector(for: [chainA, chainB]))
        #expect(inspector.filterDisabled.destinationPortRange.start == 15006 && inspector.filterDisabled.destinationPortRange.end == 15007)
        var chainC = Envoy_Config_Listener_V3_FilterChain()
        chainC.filterChainMatch.transportProtocol = "raw_buffer"
        var chainD = Envoy_Config_Listener_V3_FilterChain()
        chainD.filterChainMatch.destinationPort = Google_Protobuf_UInt32Value(9090)
        chainD.filterChainMatch.transportProtocol = "tls"
        let only = try #require(try VirtualListeners.tlsInspector(for: [chainA, chainC, chainD]))
        #expect(only.filterDisabled.notMatch.destinationPortRange.start == 9090, "disabled everywhere but the port that needs it")
        #expect(try VirtualListeners.tlsInspector(for: [chainA, chainC]) == nil)
    }
}
