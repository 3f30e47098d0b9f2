internal import EnvoyAPI
internal import Protocols
internal import SwiftProtobuf

/// The listener around an outbound HTTP connection manager, as istiod lays out a wildcard HTTP port
/// (`buildListenerFromEntry`, Istio 1.29): the chain matches plaintext HTTP/1.1 and h2c found by
/// `http_inspector` (the mesh's protocol detection timeout, continue on timeout), everything else takes the
/// `PassthroughFilterChain` to the fallthrough cluster, and the chain has a 15 s transport socket
/// connect timeout.
enum HTTPListenerShape {
    static let httpInspector = "envoy.filters.listener.http_inspector"

    static func apply(to listener: inout Envoy_Config_Listener_V3_Listener, fallthroughCluster: String, detectionTimeout: Duration) {
        for index in listener.filterChains.indices {
            listener.filterChains[index].filterChainMatch.transportProtocol = "raw_buffer"
            listener.filterChains[index].filterChainMatch.applicationProtocols = ["http/1.1", "h2c"]
            listener.filterChains[index].transportSocketConnectTimeout = Proto.duration(seconds: 15)
        }
        var inspector = Envoy_Config_Listener_V3_ListenerFilter()
        inspector.name = httpInspector
        inspector.typedConfig = (try? Google_Protobuf_Any(message: Envoy_Extensions_Filters_Listener_HttpInspector_V3_HttpInspector())) ?? .init()
        listener.listenerFilters = [inspector]
        listener.listenerFiltersTimeout = Google_Protobuf_Duration(rounding: detectionTimeout, rule: .towardZero)
        listener.continueOnListenerFiltersTimeout = true
        if let passthrough = try? TCPProxyPlugin.filter(statPrefix: fallthroughCluster, target: .cluster(fallthroughCluster)) {
            listener.defaultFilterChain = Proto.filterChain(name: "PassthroughFilterChain", filters: [passthrough])
        }
    }
}
