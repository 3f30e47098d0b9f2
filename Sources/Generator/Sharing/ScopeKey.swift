package import Mesh

/// Everything a proxy's outbound configuration depends on, besides the mesh itself: proxies with
/// equal scope keys get the same outbound clusters, assignments and listeners — the same objects.
///
/// Labels enter only through the label selectors of the mesh's rules that they match (a
/// DestinationRule's workload selector, a VirtualService's `sourceLabels`, the selector of a
/// PeerAuthentication or AuthorizationPolicy), so replicas and most workloads of one namespace
/// share one scope. Istio calls the same idea the `SidecarScope`.
package struct ScopeKey: Hashable, Sendable, CustomStringConvertible {
    /// Sidecar, gateway, ...
    package var type: ProxyIdentity.ProxyType
    /// The proxy's config namespace (visibility, `exportTo`, DestinationRule lookup).
    package var namespace: String
    /// The Sidecar resource in effect, if any.
    package var sidecar: ConfigKey?
    /// Which of the mesh's label selectors match the proxy's labels (``MeshIndex/labelSelectors``).
    package var matchingSelectors: [Bool]
    /// Whether the proxy has only IPv4 addresses.
    package var ipv4Only: Bool
    /// The node metadata that shapes generated config (istiod's list).
    package var metadata: [String: String]

    /// Node metadata keys that can shape generated config: istiod's list (spec/istio.md §4.1),
    /// `GENERATOR` (proxyless gRPC clients say `grpc`) and the proxy's capabilities
    /// (``ProxyCapabilities/metadataKey``).
    package static let relevantMetadata: Set<String> = [
        "INTERCEPTION_MODE", "CLUSTER_ID", "NETWORK", "ISTIO_VERSION", "IDLE_TIMEOUT", "POD_PORTS", "DNS_CAPTURE",
        "HTTP10", "INBOUND_LISTENER_EXACT_BALANCE", "OUTBOUND_LISTENER_EXACT_BALANCE", "MESH_ID",
        "GENERATOR", ProxyCapabilities.metadataKey,
    ]

    /// The scope of `proxy` in `index`.
    package init(_ proxy: ProxyIdentity, index: MeshIndex) {
        type = proxy.type
        namespace = proxy.namespace
        sidecar = index.sidecar(for: proxy)?.key
        matchingSelectors = index.matchingSelectors(proxy.labels)
        ipv4Only = proxy.ipAddresses.allSatisfy { !$0.contains(":") }
        metadata = proxy.metadata.filter { Self.relevantMetadata.contains($0.key) }
    }

    package var description: String {
        let selectors = matchingSelectors.map { $0 ? "1" : "0" }.joined()
        return "\(type.rawValue)/\(namespace)/\(sidecar.map { "\($0)" } ?? "-")/\(selectors)\(ipv4Only ? "" : "/v6")"
    }
}
