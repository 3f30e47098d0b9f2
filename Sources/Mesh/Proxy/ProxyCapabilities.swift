/// What a proxy's Envoy build can run beyond upstream Envoy's standard extensions, read from its
/// node metadata, so that a proxy is never sent a filter or resource type its build would reject.
///
/// The proxy declares them in the node metadata key ``ProxyCapabilities/metadataKey``
/// (`AERAKI_CAPABILITIES`) as a comma-separated list, e.g. in the sidecar's `proxy.istio.io/config`
/// annotation: `proxyMetadata: {AERAKI_CAPABILITIES: "meta_protocol_proxy,dubbo_rbac"}`.
/// Unknown names are kept (and ignored), so newer proxies can announce capabilities older servers
/// do not know.
package struct ProxyCapabilities: Sendable, Hashable, CustomStringConvertible {
    /// A capability a proxy can announce.
    package enum Capability: String, Sendable, CaseIterable {
        /// Aeraki's MetaProtocol proxy (`aeraki.meta_protocol_proxy`) and its codecs.
        case metaProtocolProxy = "meta_protocol_proxy"
        /// The Dubbo RBAC filter inside `dubbo_proxy` (not in every Envoy build).
        case dubboRBAC = "dubbo_rbac"
        /// Envoy's contrib Kafka broker filter.
        case kafkaBroker = "kafka_broker"
        /// Envoy's contrib MySQL proxy filter.
        case mysqlProxy = "mysql_proxy"
        /// The proxy wants Dubbo and Thrift routes inline in the listener, for builds whose
        /// `dubbo_proxy` / `thrift_proxy` lack route discovery (`drds` / `trds`). Without it the
        /// routes are served as their own resources over the proxy's ADS stream, so a
        /// VirtualService change does not replace (and drain) listeners.
        case inlineL7Routes = "inline_l7_routes"
    }

    /// The node metadata key that lists a proxy's capabilities.
    package static let metadataKey = "AERAKI_CAPABILITIES"

    /// The announced names, as sent (trimmed, empty entries dropped).
    package var names: Set<String>

    /// Capabilities from their names.
    package init(_ names: some Sequence<String>) {
        self.names = Set(names.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
    }

    /// The capabilities announced in `metadata` (none when the key is absent).
    package init(metadata: [String: String]) {
        self.init((metadata[Self.metadataKey] ?? "").split(separator: ",").map(String.init))
    }

    /// Whether the proxy announced `capability`.
    package func has(_ capability: Capability) -> Bool { names.contains(capability.rawValue) }

    package var description: String { names.sorted().joined(separator: ",") }
}

extension ProxyIdentity {
    /// What the proxy's build can run (from ``ProxyCapabilities/metadataKey``).
    package var capabilities: ProxyCapabilities { ProxyCapabilities(metadata: metadata) }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
