internal import EnvoyAPI
internal import Mesh
internal import Protocols
internal import SwiftProtobuf

/// `virtualOutbound` (15001) and `virtualInbound` (15006), as istiod lays them out.
struct VirtualListeners {
    let options: GeneratorOptions

    /// `virtualOutbound`: original destination; a blackhole chain for connections to 15001 itself
    /// (loops), then a catch-all to `PassthroughCluster` (ALLOW_ANY) or `BlackHoleCluster`.
    func outbound(policy: GeneratorOptions.OutboundTrafficPolicy) throws(PluginError) -> Envoy_Config_Listener_V3_Listener {
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "virtualOutbound"
        listener.address = Proto.address("0.0.0.0", port: options.outboundPort)
        listener.useOriginalDst = Google_Protobuf_BoolValue(true)
        listener.trafficDirection = .outbound
        let catchAll = policy == .allowAny ? ClusterName.passthrough : ClusterName.blackHole
        listener.filterChains = [
            Proto.filterChain(
                name: "virtualOutbound-blackhole", match: Proto.destinationPort(options.outboundPort),
                filters: [try TCPProxyPlugin.filter(statPrefix: ClusterName.blackHole, target: .cluster(ClusterName.blackHole))]
            )
        ]
        listener.defaultFilterChain = Proto.filterChain(
            name: "virtualOutbound-catchall-tcp", filters: [try TCPProxyPlugin.filter(statPrefix: catchAll, target: .cluster(catchAll))]
        )
        return listener
    }

    /// `virtualInbound`: the `original_dst` listener filter; a blackhole chain for 15006 itself; one
    /// chain per own target port (`0.0.0.0_<targetPort>`, matched on that port); and a passthrough
    /// default chain to `InboundPassthroughCluster` for every other port.
    func inbound(chains: [Envoy_Config_Listener_V3_FilterChain]) throws(PluginError) -> Envoy_Config_Listener_V3_Listener {
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "virtualInbound"
        listener.address = Proto.address("0.0.0.0", port: options.inboundPort)
        listener.trafficDirection = .inbound
        var originalDst = Envoy_Config_Listener_V3_ListenerFilter()
        originalDst.name = "envoy.filters.listener.original_dst"
        originalDst.typedConfig = try Google_Protobuf_Any.packing(Envoy_Extensions_Filters_Listener_OriginalDst_V3_OriginalDst(), plugin: originalDst.name)
        listener.listenerFilters = [originalDst]
        listener.filterChains = [
            Proto.filterChain(
                name: "virtualInbound-blackhole", match: Proto.destinationPort(options.inboundPort),
                filters: [try TCPProxyPlugin.filter(statPrefix: ClusterName.blackHole, target: .cluster(ClusterName.blackHole))]
            )
        ] + chains
        listener.defaultFilterChain = Proto.filterChain(
            name: "virtualInbound",
            filters: [try TCPProxyPlugin.filter(statPrefix: ClusterName.inboundPassthrough, target: .cluster(ClusterName.inboundPassthrough))]
        )
        return listener
    }
}
