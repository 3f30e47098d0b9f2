package import EnvoyAPI
package import Protocols
package import XDSCache
package import SwiftProtobuf
internal import Foundation

/// Everything generated for one proxy: the Envoy resources by type, sorted by name, and the
/// diagnostics (ignored fields, shadowed services, dropped destinations) collected on the way.
package struct GeneratedConfig: Sendable {
    /// The proxy's node id.
    package var nodeID: String
    /// Listeners, sorted by name.
    package var listeners: [Envoy_Config_Listener_V3_Listener]
    /// Clusters, sorted by name.
    package var clusters: [Envoy_Config_Cluster_V3_Cluster]
    /// Load assignments of the EDS clusters, sorted by cluster name.
    package var endpoints: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment]
    /// RDS route configurations, sorted by name.
    package var routes: [Envoy_Config_Route_V3_RouteConfiguration]
    /// Route resources of the other filters' discovery types (Dubbo `drds`, Thrift `trds`, ...),
    /// by type URL, each list in name order.
    package var filterRoutes: [String: [Google_Protobuf_Any]]
    /// What could not be honoured, sorted and de-duplicated.
    package var diagnostics: [Diagnostic]
    /// A config from its parts (each list is sorted by name).
    package init(
        nodeID: String, listeners: [Envoy_Config_Listener_V3_Listener], clusters: [Envoy_Config_Cluster_V3_Cluster],
        endpoints: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment], routes: [Envoy_Config_Route_V3_RouteConfiguration],
        filterRoutes: [String: [Google_Protobuf_Any]] = [:], diagnostics: [Diagnostic]
    ) {
        self.nodeID = nodeID
        self.listeners = listeners.sorted { $0.name < $1.name }
        self.clusters = clusters.sorted { $0.name < $1.name }
        self.endpoints = endpoints.sorted { $0.clusterName < $1.clusterName }
        self.routes = routes.sorted { $0.name < $1.name }
        self.filterRoutes = filterRoutes
        self.diagnostics = Array(Set(diagnostics)).sorted()
    }

    /// The config a snapshot holds, decoded back into messages.
    /// - Throws: a decoding error when a resource's bytes are not its type's message.
    package init(nodeID: String, snapshot: Snapshot, diagnostics: [Diagnostic]) throws {
        self.init(
            nodeID: nodeID,
            listeners: try snapshot.resources(TypeURL.listener).sorted.map { try .init(serializedBytes: Array($0.bytes)) },
            clusters: try snapshot.resources(TypeURL.cluster).sorted.map { try .init(serializedBytes: Array($0.bytes)) },
            endpoints: try snapshot.resources(TypeURL.endpoint).sorted.map { try .init(serializedBytes: Array($0.bytes)) },
            routes: try snapshot.resources(TypeURL.route).sorted.map { try .init(serializedBytes: Array($0.bytes)) },
            filterRoutes: Self.filterRoutes(in: snapshot),
            diagnostics: diagnostics
        )
    }

    /// The resources of every type but the four standard ones, as `Any`s in name order.
    static func filterRoutes(in snapshot: Snapshot) -> [String: [Google_Protobuf_Any]] {
        let standard: Set<String> = [TypeURL.listener, TypeURL.cluster, TypeURL.endpoint, TypeURL.route]
        var routes: [String: [Google_Protobuf_Any]] = [:]
        for typeURL in snapshot.types.keys where !standard.contains(typeURL) {
            routes[typeURL] = snapshot.resources(typeURL).sorted.map { resource in
                var any = Google_Protobuf_Any()
                any.typeURL = resource.typeURL
                any.value = Data(resource.bytes)
                return any
            }
        }
        return routes
    }
}
