internal import EnvoyAPI
internal import Mesh
internal import Protocols
internal import SwiftProtobuf

/// The security stage of `virtualInbound`, applied to whatever filters a protocol plugin built for a
/// target port: the filter chains istiod builds for the port's mTLS mode (PeerAuthentication), each
/// with the workload's authorization (AuthorizationPolicy, DubboAuthorizationPolicy) in the chain.
///
/// Chains by mode (`filterchain_options.go`): STRICT — `tls` with the mTLS context; PERMISSIVE —
/// `tls` with Istio's ALPN values and the mTLS context, plus plaintext `raw_buffer` (and, for
/// non-HTTP chains, `tls` without ALPN: the application's own TLS passes through); DISABLE —
/// `raw_buffer` only. Authorization: network RBAC before the terminal filter of non-HTTP chains,
/// HTTP RBAC before the router inside an `http_connection_manager`, and the Dubbo RBAC filter
/// inside `dubbo_proxy` for proxies that have it.
struct InboundSecurity {
    /// Istio's ALPN values of mTLS clients (`allIstioMtlsALPNs`).
    static let istioALPNs = ["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"]
    /// The ALPN values of Istio's TCP mTLS clients (`mtlsTCPWithMxcALPNs`), for passthrough chains.
    static let istioTCPALPNs = ["istio-peer-exchange", "istio"]
    static let httpConnectionManager = "envoy.filters.network.http_connection_manager"
    static let httpRouter = "envoy.filters.http.router"

    let peerAuthentication: EffectivePeerAuthentication
    private let tls: Envoy_Config_Core_V3_TransportSocket
    private let tcpRBAC: [Envoy_Config_Listener_V3_Filter]
    private let httpRBAC: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter]
    private let dubboByNamespace: [String: DubboAuthorization]

    /// What one namespace's DubboAuthorizationPolicies add to its Dubbo chains.
    enum DubboAuthorization {
        /// Filters inside `dubbo_proxy`, before the router.
        case dubboFilters([Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboFilter])
        /// Network RBAC before `dubbo_proxy` (the proxy has no Dubbo RBAC filter).
        case networkFilters([Envoy_Config_Listener_V3_Filter])
    }

    /// The stage for a workload: its PeerAuthentication, the AuthorizationPolicies selecting it, and
    /// the DubboAuthorizationPolicies of its services' namespaces (by namespace).
    init(
        peerAuthentication: EffectivePeerAuthentication, authorizationPolicies: [MeshResource], dubboPolicies: [String: [MeshResource]],
        dubboRBAC: Bool, trustDomains: [String], diagnostics: inout [Diagnostic]
    ) throws {
        self.peerAuthentication = peerAuthentication
        tls = try DownstreamTLS.transportSocket(trustDomains: trustDomains)
        let rules = AuthorizationPolicyRules(trustDomains: trustDomains)
        let tcpInputs = rules.inputs(authorizationPolicies, forTCP: true, diagnostics: &diagnostics)
        tcpRBAC = try RBACPolicySet(tcpInputs, chain: "TCP", diagnostics: &diagnostics).networkFilters(statPrefix: "tcp.")
        // HTTP chains exist only with an HTTP plugin; their diagnostics would repeat the TCP ones.
        var ignored: [Diagnostic] = []
        let httpInputs = rules.inputs(authorizationPolicies, forTCP: false, diagnostics: &ignored)
        httpRBAC = try RBACPolicySet(httpInputs, chain: "HTTP", diagnostics: &ignored).httpFilters()
        let dubbo = DubboAuthorizationRules(trustDomains: trustDomains)
        var byNamespace: [String: DubboAuthorization] = [:]
        for (namespace, policies) in dubboPolicies where !policies.isEmpty {
            let set = RBACPolicySet(dubbo.inputs(policies, dubboFilter: dubboRBAC), chain: "Dubbo", diagnostics: &diagnostics)
            byNamespace[namespace] = dubboRBAC
                ? .dubboFilters(try DubboAuthorizationRules.dubboFilters(set)) : .networkFilters(try set.networkFilters(statPrefix: "dubbo."))
        }
        dubboByNamespace = byNamespace
    }

    /// The chains of target port `port` whose plugin built `filters`, for services of `namespaces`.
    func chains(port: UInt32, namespaces: [String], filters: [Envoy_Config_Listener_V3_Filter]) throws -> [Envoy_Config_Listener_V3_FilterChain] {
        let secured = try authorized(filters, namespaces: namespaces)
        return Self.matches(peerAuthentication.mode(port: port), http: Self.isHTTP(filters)).map { match in
            var chainMatch = Proto.destinationPort(port)
            chainMatch.transportProtocol = match.transport
            chainMatch.applicationProtocols = match.alpn
            var chain = Proto.filterChain(name: "0.0.0.0_\(port)", match: chainMatch, filters: secured)
            if match.terminatesTLS { chain.transportSocket = tls }
            return chain
        }
    }

    /// The passthrough chains (`virtualInbound`, to `InboundPassthroughCluster`): the workload mode
    /// for any port, then each port-level mode on a port no service chain covers.
    func passthroughChains(coveredPorts: Set<UInt32>, passthrough: Envoy_Config_Listener_V3_Filter) throws -> [Envoy_Config_Listener_V3_FilterChain] {
        let filters = try authorized([passthrough], namespaces: [])
        var chains: [Envoy_Config_Listener_V3_FilterChain] = []
        let ports: [UInt32?] = [nil] + peerAuthentication.portModes.keys.sorted().filter { !coveredPorts.contains($0) }
        for port in ports {
            let mode = port.map(peerAuthentication.mode(port:)) ?? peerAuthentication.mode
            for match in Self.passthroughMatches(mode) {
                var chainMatch = port.map(Proto.destinationPort) ?? Envoy_Config_Listener_V3_FilterChainMatch()
                chainMatch.transportProtocol = match.transport
                chainMatch.applicationProtocols = match.alpn
                var chain = Proto.filterChain(name: "virtualInbound", match: chainMatch, filters: filters)
                if match.terminatesTLS { chain.transportSocket = tls }
                chains.append(chain)
            }
        }
        return chains
    }

    struct Match: Equatable {
        var transport: String
        var alpn: [String] = []
        var terminatesTLS: Bool
    }

    /// istiod's chain matches of a service port (`filterchain_options.go`).
    static func matches(_ mode: MutualTLSMode, http: Bool) -> [Match] {
        switch (mode, http) {
        case (.strict, _): [Match(transport: "tls", terminatesTLS: true)]
        case (.permissive, true): [Match(transport: "tls", alpn: istioALPNs, terminatesTLS: true), Match(transport: "raw_buffer", terminatesTLS: false)]
        case (.permissive, false):
            [Match(transport: "tls", alpn: istioALPNs, terminatesTLS: true), Match(transport: "tls", terminatesTLS: false),
             Match(transport: "raw_buffer", terminatesTLS: false)]
        case (.disable, _): [Match(transport: "raw_buffer", terminatesTLS: false)]
        }
    }

    /// istiod's TCP passthrough chain matches (the HTTP catch-all chains are not built: every
    /// connection, HTTP or not, is passed through by the TCP chains).
    static func passthroughMatches(_ mode: MutualTLSMode) -> [Match] {
        switch mode {
        case .strict: [Match(transport: "tls", terminatesTLS: true)]
        case .permissive:
            [Match(transport: "tls", alpn: istioTCPALPNs, terminatesTLS: true), Match(transport: "raw_buffer", terminatesTLS: false),
             Match(transport: "tls", terminatesTLS: false)]
        case .disable: [Match(transport: "raw_buffer", terminatesTLS: false)]
        }
    }

    static func isHTTP(_ filters: [Envoy_Config_Listener_V3_Filter]) -> Bool { filters.last?.name == httpConnectionManager }

    /// `filters` with the workload's authorization in place.
    func authorized(_ filters: [Envoy_Config_Listener_V3_Filter], namespaces: [String]) throws -> [Envoy_Config_Listener_V3_Filter] {
        guard var terminal = filters.last else { return filters }
        var leading = Array(filters.dropLast())
        if terminal.name == Self.httpConnectionManager {
            terminal = try Self.inserting(httpRBAC, intoConnectionManager: terminal)
            return leading + [terminal]
        }
        leading += tcpRBAC
        if terminal.name == DubboPlugin.filterName {
            for namespace in Set(namespaces).sorted() {
                switch dubboByNamespace[namespace] {
                case .dubboFilters(let dubboFilters)?: terminal = try Self.inserting(dubboFilters, intoDubboProxy: terminal)
                case .networkFilters(let network)?: leading += network
                case nil: break
                }
            }
        }
        return leading + [terminal]
    }

    /// An `http_connection_manager` filter with `httpFilters` inserted before its router (at the
    /// end when it has none).
    static func inserting(
        _ httpFilters: [Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter], intoConnectionManager filter: Envoy_Config_Listener_V3_Filter
    ) throws -> Envoy_Config_Listener_V3_Filter {
        guard !httpFilters.isEmpty else { return filter }
        var manager = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(unpackingAny: filter.typedConfig)
        let position = manager.httpFilters.firstIndex { $0.name == httpRouter } ?? manager.httpFilters.endIndex
        manager.httpFilters.insert(contentsOf: httpFilters, at: position)
        return try .typed(filter.name, manager)
    }

    /// A `dubbo_proxy` filter with `dubboFilters` inserted before its router.
    static func inserting(
        _ dubboFilters: [Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboFilter], intoDubboProxy filter: Envoy_Config_Listener_V3_Filter
    ) throws -> Envoy_Config_Listener_V3_Filter {
        guard !dubboFilters.isEmpty else { return filter }
        var proxy = try Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboProxy(unpackingAny: filter.typedConfig)
        let position = proxy.dubboFilters.firstIndex { $0.name == DubboPlugin.routerName } ?? proxy.dubboFilters.endIndex
        proxy.dubboFilters.insert(contentsOf: dubboFilters, at: position)
        return try .typed(filter.name, proxy)
    }
}
