internal import EnvoyAPI
internal import Mesh
internal import Protocols
internal import SwiftProtobuf

/// Builds one outbound listener per ``ListenerGroup``, its single filter chain from the plugin of
/// the primary service's protocol (ports no plugin claims get the registry's fallback, `tcp_proxy`).
struct OutboundListenerBuilder {
    let registry: PluginRegistry
    let proxy: ProxyIdentity
    let catalog: ClusterCatalog
    let fallthroughCluster: String
    /// The mesh access log handed to plugins.
    var accessLog: MeshConfig.AccessLog? = nil
    /// The mesh tracing sampling handed to plugins (nil: tracing off).
    var tracingSampling: Double? = nil
    /// The DestinationRule in effect per visible host (lower-cased), for route hash policies.
    var destinationRules: [String: EffectiveDestinationRule] = [:]
    /// The mesh default HTTP retry policy handed to plugins.
    var defaultHTTPRetryPolicy: MeshConfig.RetryPolicy? = nil
    /// The mesh protocol detection timeout of listeners that inspect connections.
    var protocolDetectionTimeout: Duration = .zero

    /// The listener for `group`, with whatever routes and cluster options its plugin asked for.
    /// HTTP ports get Istio's HTTP listener shape (see ``HTTPListenerShape``).
    func listener(_ group: ListenerGroup, diagnostics: inout [Diagnostic]) -> (Envoy_Config_Listener_V3_Listener, PluginOutput)? {
        let (plugin, context) = resolve(group, diagnostics: &diagnostics)
        var output: PluginOutput
        var routed = plugin is HTTPPlugin
        do {
            output = try plugin.outboundFilters(context)
        } catch {
            diagnostics.append(Diagnostic(failure: error, config: context.primary.service.source, "\(group.name): \(error); falling back to tcp_proxy"))
            guard let fallback = try? registry.fallback.outboundFilters(context) else { return nil }
            output = fallback
            routed = false
        }
        diagnostics.append(contentsOf: output.diagnostics.map { $0.within(group.name) })

        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = group.name
        listener.address = Proto.address(group.bind, port: group.port)
        listener.bindToPort = Google_Protobuf_BoolValue(false)
        listener.trafficDirection = .outbound
        var match: Envoy_Config_Listener_V3_FilterChainMatch?
        if !group.matchesAnyDestination, !group.prefixRanges.isEmpty {
            var m = Envoy_Config_Listener_V3_FilterChainMatch()
            m.prefixRanges = group.prefixRanges.sorted().map(Proto.cidr)
            match = m
        }
        listener.filterChains = [Proto.filterChain(name: group.name, match: match, filters: output.filters)]
        if routed {
            HTTPListenerShape.apply(to: &listener, fallthroughCluster: fallthroughCluster, detectionTimeout: protocolDetectionTimeout)
        } else if group.bind == "0.0.0.0", match != nil,
            let fallthroughFilter = try? TCPProxyPlugin.filter(statPrefix: fallthroughCluster, target: .cluster(fallthroughCluster))
        {
            listener.defaultFilterChain = Proto.filterChain(name: "PassthroughFilterChain", filters: [fallthroughFilter])
        }
        return (listener, output)
    }

    /// The plugin of `group`'s primary service and the context of the bindings it handles (those of
    /// another plugin are reported and left out).
    private func resolve(_ group: ListenerGroup, diagnostics: inout [Diagnostic]) -> (any ProtocolPlugin, OutboundContext) {
        let primaryProtocol = group.bindings[0].port.protocol
        let plugin = registry.plugin(for: primaryProtocol)
        var bindings: [ServiceBinding] = []
        for binding in group.bindings {
            if registry.plugin(for: binding.port.protocol).protocolNames == plugin.protocolNames {
                bindings.append(binding)
            } else {
                diagnostics.append(Diagnostic(
                    .portConflict, config: binding.service.source,
                    "\(group.name): \(binding.service.hostname) (\(binding.port.protocol)) conflicts with \(group.bindings[0].service.hostname) (\(primaryProtocol)); skipped"
                ))
            }
        }
        let context = OutboundContext(
            listenerPort: group.port, listenerName: group.name, bindings: bindings, proxy: proxy, catalog: catalog, accessLog: accessLog,
            tracingSampling: tracingSampling, destinationRules: destinationRules, allowAnyHost: fallthroughCluster == ClusterName.passthrough,
            defaultHTTPRetryPolicy: defaultHTTPRetryPolicy
        )
        return (plugin, context)
    }
}
