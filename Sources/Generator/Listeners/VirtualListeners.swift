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

    /// `virtualInbound`: the `original_dst` listener filter, and `tls_inspector` where a chain
    /// matches TLS; a blackhole chain for 15006 itself; the chains of the own target ports
    /// (`0.0.0.0_<targetPort>`, see ``InboundSecurity``); and the passthrough chains to
    /// `InboundPassthroughCluster` for every other port, secured as the workload's mTLS mode says
    /// (no default chain: in STRICT mode a plaintext connection matches nothing and is closed).
    func inbound(chains: [Envoy_Config_Listener_V3_FilterChain], security: InboundSecurity) throws -> Envoy_Config_Listener_V3_Listener {
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "virtualInbound"
        listener.address = Proto.address("0.0.0.0", port: options.inboundPort)
        listener.trafficDirection = .inbound
        listener.continueOnListenerFiltersTimeout = true
        listener.listenerFiltersTimeout = Google_Protobuf_Duration(rounding: options.protocolDetectionTimeout, rule: .towardZero)
        let passthrough = try TCPProxyPlugin.filter(statPrefix: ClusterName.inboundPassthrough, target: .cluster(ClusterName.inboundPassthrough))
        let covered = Set(chains.map { $0.filterChainMatch.destinationPort.value })
        listener.filterChains = [
            Proto.filterChain(
                name: "virtualInbound-blackhole", match: Proto.destinationPort(options.inboundPort),
                filters: [try TCPProxyPlugin.filter(statPrefix: ClusterName.blackHole, target: .cluster(ClusterName.blackHole))]
            )
        ] + chains + (try security.passthroughChains(coveredPorts: covered, passthrough: passthrough))
        var originalDst = Envoy_Config_Listener_V3_ListenerFilter()
        originalDst.name = "envoy.filters.listener.original_dst"
        originalDst.typedConfig = try Google_Protobuf_Any.packing(Envoy_Extensions_Filters_Listener_OriginalDst_V3_OriginalDst(), plugin: originalDst.name)
        listener.listenerFilters = [originalDst]
        if let inspector = try Self.tlsInspector(for: listener.filterChains) { listener.listenerFilters.append(inspector) }
        return listener
    }

    /// `tls_inspector` (`initial_read_buffer_size: 512`) when a chain matches `transport_protocol:
    /// tls`, turned off (`filter_disabled`) on the destination ports whose chains do not need it, as
    /// istiod computes it: enabled by default with the exceptions disabled when the port-less
    /// chains need TLS, else disabled except on the ports that need it.
    static func tlsInspector(for chains: [Envoy_Config_Listener_V3_FilterChain]) throws(PluginError) -> Envoy_Config_Listener_V3_ListenerFilter? {
        var needsTLS: [UInt32: Bool] = [:]
        for chain in chains {
            let port = chain.filterChainMatch.destinationPort.value
            needsTLS[port] = (needsTLS[port] ?? false) || chain.filterChainMatch.transportProtocol == "tls"
        }
        guard needsTLS.values.contains(true) else { return nil }
        var inspector = Envoy_Config_Listener_V3_ListenerFilter()
        inspector.name = "envoy.filters.listener.tls_inspector"
        var config = Envoy_Extensions_Filters_Listener_TlsInspector_V3_TlsInspector()
        config.initialReadBufferSize = Google_Protobuf_UInt32Value(512)
        inspector.typedConfig = try Google_Protobuf_Any.packing(config, plugin: inspector.name)
        let defaultOn = needsTLS[0] ?? false
        let exceptions = needsTLS.keys.filter { $0 != 0 && needsTLS[$0]! != defaultOn }.sorted()
        guard !exceptions.isEmpty else {
            return inspector
        }
        let ranges = exceptions.map { port in
            var predicate = Envoy_Config_Listener_V3_ListenerFilterChainMatchPredicate()
            predicate.destinationPortRange.start = Int32(port)
            predicate.destinationPortRange.end = Int32(port) + 1
            return predicate
        }
        var listed = ranges[0]
        if ranges.count > 1 {
            listed = Envoy_Config_Listener_V3_ListenerFilterChainMatchPredicate()
            listed.orMatch.rules = ranges
        }
        if defaultOn {
            inspector.filterDisabled = listed
        } else {
            inspector.filterDisabled.notMatch = listed
        }
        return inspector
    }
}
