internal import XDSCache

/// The full gRPC method paths of the discovery services.
package enum XDSMethod {
    package static let streamAggregatedResources =
        "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
    package static let deltaAggregatedResources =
        "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources"
    package static let streamClientStatus = "/envoy.service.status.v3.ClientStatusDiscoveryService/StreamClientStatus"
    package static let fetchClientStatus = "/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus"

    /// A per-type discovery service: its SotW and delta method paths and the type they serve.
    package struct PerType: Sendable, Hashable {
        /// `/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters` and friends.
        package var stream: String
        /// `/envoy.service.cluster.v3.ClusterDiscoveryService/DeltaClusters` and friends.
        package var delta: String
        /// The type URL the service serves.
        package var typeURL: String
    }

    /// Every per-type service (clusters, endpoints, listeners, routes, scoped routes, secrets,
    /// runtime, extension configs).
    package static let perType: [PerType] = [
        make("cluster", "ClusterDiscoveryService", "Clusters", TypeURL.cluster),
        make("endpoint", "EndpointDiscoveryService", "Endpoints", TypeURL.endpoint),
        make("listener", "ListenerDiscoveryService", "Listeners", TypeURL.listener),
        make("route", "RouteDiscoveryService", "Routes", TypeURL.route),
        make("route", "ScopedRoutesDiscoveryService", "ScopedRoutes", TypeURL.scopedRoute),
        make("secret", "SecretDiscoveryService", "Secrets", TypeURL.secret),
        make("runtime", "RuntimeDiscoveryService", "Runtime", TypeURL.runtime),
        make("extension", "ExtensionConfigDiscoveryService", "ExtensionConfigs", TypeURL.extensionConfig),
    ]

    private static func make(_ package: String, _ service: String, _ noun: String, _ typeURL: String) -> PerType {
        let prefix = "/envoy.service.\(package).v3.\(service)/"
        return PerType(stream: prefix + "Stream" + noun, delta: prefix + "Delta" + noun, typeURL: typeURL)
    }
}
