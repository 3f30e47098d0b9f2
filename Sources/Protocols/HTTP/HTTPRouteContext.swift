package import Mesh

/// What HTTP routes of one port are built from, for a sidecar or a proxyless gRPC client.
struct HTTPRouteContext {
    /// The listener (service) port.
    var listenerPort: UInt32
    /// The proxy (the scope's representative).
    var proxy: ProxyIdentity
    /// The clusters that exist for the proxy.
    var catalog: ClusterCatalog
    /// The DestinationRule in effect per host (lower-cased), for destination hash policies.
    var destinationRules: [String: EffectiveDestinationRule]
    /// The mesh's retry policy for routes without VirtualService `retries`.
    var defaultRetries: MeshConfig.RetryPolicy?

    /// Whether the proxy is a proxyless gRPC client (node metadata `GENERATOR=grpc`): routes then
    /// carry `max_stream_duration`, and what gRPC's xDS client rejects is left out.
    var proxyless: Bool { proxy.isProxylessGRPC }

    init(_ context: OutboundContext) {
        listenerPort = context.listenerPort
        proxy = context.proxy
        catalog = context.catalog
        destinationRules = context.destinationRules
        defaultRetries = context.defaultHTTPRetryPolicy
    }
}

extension ProxyIdentity {
    /// Whether the node is a proxyless gRPC application (`GENERATOR=grpc`, as Istio's gRPC bootstrap says).
    package var isProxylessGRPC: Bool { metadata["GENERATOR"] == "grpc" }
}
