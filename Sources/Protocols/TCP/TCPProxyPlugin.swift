package import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// The fallback for ports no other plugin claims: `envoy.filters.network.tcp_proxy`.
///
/// Outbound, the host's VirtualService `tcp` routes are walked as istiod does
/// (`buildSidecarOutboundTCPFilterChainOpts`): routes without destinations are skipped, the first
/// route with no match (or with a match entry that applies to this proxy and port) decides, and its
/// destinations become a cluster or `weighted_clusters`. Otherwise traffic goes to `outbound|PORT||HOST`.
/// Match entries with `destinationSubnets` (extra filter chains in istiod) are not supported yet and
/// are reported.
package struct TCPProxyPlugin: ProtocolPlugin {
    /// The network filter name.
    package static let filterName = "envoy.filters.network.tcp_proxy"

    package var protocolNames: [String] { ["tcp"] }

    /// The plugin.
    package init() {}

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        var diagnostics: [Diagnostic] = []
        let binding = context.primary
        var target: RouteTarget = .cluster(binding.defaultCluster)
        var statPrefix = binding.defaultCluster
        if let vs = binding.virtualServices.first {
            routes: for (index, tcp) in vs.spec.tcp.enumerated() where !tcp.route.isEmpty {
                var applies = tcp.match.isEmpty
                for match in tcp.match where MatchConversion.applies(match, to: context.proxy, listenerPort: context.listenerPort) {
                    if match.destinationSubnets.isEmpty { applies = true } else {
                        diagnostics.append(Diagnostic(
                            .unsupportedMatch, config: vs.key, "\(vs.key.namespace)/\(vs.key.name) tcp[\(index)]: destinationSubnets chains are not supported; entry skipped"
                        ))
                    }
                }
                guard applies else { continue }
                let destinations = tcp.route.map { ($0.destination, $0.weight) }
                if let resolved = RouteDestinations.target(
                    destinations, listenerPort: context.listenerPort, catalog: context.catalog, config: vs.key, diagnostics: &diagnostics
                ) {
                    target = resolved
                    if case .weighted = resolved { statPrefix = "\(vs.key.name).\(vs.key.namespace)" }
                    break routes
                }
            }
        }
        var proxy = Self.proxy(statPrefix: statPrefix, target: target)
        if let policy = binding.trafficPolicy { Self.apply(policy, to: &proxy) }
        proxy.accessLog = try AccessLogBuilder.accessLogs(context.accessLog, plugin: Self.filterName)
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics)
    }

    /// Istio's listener-side DestinationRule settings: `consistentHash.useSourceIp` → `hash_policy`
    /// source IP; TCP `idleTimeout` → `idle_timeout`; `maxConnectionDuration` →
    /// `max_downstream_connection_duration`.
    static func apply(_ policy: Istio_Networking_V1alpha3_TrafficPolicy, to proxy: inout Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy) {
        if case .consistentHash(let hash)? = policy.loadBalancer.lbPolicy, case .useSourceIp(true)? = hash.hashKey {
            var hashPolicy = Envoy_Type_V3_HashPolicy()
            hashPolicy.sourceIp = Envoy_Type_V3_HashPolicy.SourceIp()
            proxy.hashPolicy = [hashPolicy]
        }
        let tcp = policy.connectionPool.tcp
        if tcp.hasIdleTimeout { proxy.idleTimeout = tcp.idleTimeout }
        if tcp.hasMaxConnectionDuration { proxy.maxDownstreamConnectionDuration = tcp.maxConnectionDuration }
    }

    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        var proxy = Self.proxy(statPrefix: context.clusterName, target: .cluster(context.clusterName))
        proxy.accessLog = try AccessLogBuilder.accessLogs(context.accessLog, plugin: Self.filterName)
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)])
    }

    /// A tcp_proxy filter to `target`.
    package static func filter(statPrefix: String, target: RouteTarget) throws(PluginError) -> Envoy_Config_Listener_V3_Filter {
        try .typed(filterName, proxy(statPrefix: statPrefix, target: target))
    }

    /// A tcp_proxy config to `target`.
    static func proxy(statPrefix: String, target: RouteTarget) -> Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy {
        var proxy = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy()
        proxy.statPrefix = statPrefix
        switch target {
        case .cluster(let name):
            proxy.cluster = name
        case .weighted(let entries):
            var weighted = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.WeightedCluster()
            weighted.clusters = entries.map { entry in
                var cluster = Envoy_Extensions_Filters_Network_TcpProxy_V3_TcpProxy.WeightedCluster.ClusterWeight()
                cluster.name = entry.cluster
                cluster.weight = entry.weight
                return cluster
            }
            proxy.weightedClusters = weighted
        }
        return proxy
    }
}
