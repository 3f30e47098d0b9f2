public import EnvoyAPI
public import XDSCache
internal import SwiftProtobuf

/// Everything generated for one proxy: the Envoy resources by type, sorted by name, and the
/// diagnostics (ignored fields, shadowed services, dropped destinations) collected on the way.
public struct GeneratedConfig: Sendable {
    /// The proxy's node id.
    public var nodeID: String
    /// Listeners, sorted by name.
    public var listeners: [Envoy_Config_Listener_V3_Listener]
    /// Clusters, sorted by name.
    public var clusters: [Envoy_Config_Cluster_V3_Cluster]
    /// Load assignments of the EDS clusters, sorted by cluster name.
    public var endpoints: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment]
    /// RDS route configurations, sorted by name.
    public var routes: [Envoy_Config_Route_V3_RouteConfiguration]
    /// What could not be honoured, sorted and de-duplicated.
    public var diagnostics: [String]
    /// Resources already prepared by an earlier build (from a ``GenerationCache``), by type URL and name.
    var reusable: [String: PreparedResource] = [:]

    /// A config from its parts (each list is sorted by name).
    public init(
        nodeID: String, listeners: [Envoy_Config_Listener_V3_Listener], clusters: [Envoy_Config_Cluster_V3_Cluster],
        endpoints: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment], routes: [Envoy_Config_Route_V3_RouteConfiguration],
        diagnostics: [String]
    ) {
        self.nodeID = nodeID
        self.listeners = listeners.sorted { $0.name < $1.name }
        self.clusters = clusters.sorted { $0.name < $1.name }
        self.endpoints = endpoints.sorted { $0.clusterName < $1.clusterName }
        self.routes = routes.sorted { $0.name < $1.name }
        self.diagnostics = Array(Set(diagnostics)).sorted()
    }

    /// The resources prepared (serialized once, content-versioned) for the xDS server.
    /// - Throws: a serialization error (not expected for generated messages).
    public func preparedResources() throws -> [PreparedResource] {
        var resources: [PreparedResource] = []
        resources.reserveCapacity(listeners.count + clusters.count + endpoints.count + routes.count)
        func prepare(_ message: any SwiftProtobuf.Message, _ typeURL: String, _ name: String) throws -> PreparedResource {
            try reusable[Self.reuseKey(typeURL, name)] ?? PreparedResource(message)
        }
        for cluster in clusters { resources.append(try prepare(cluster, TypeURL.cluster, cluster.name)) }
        for assignment in endpoints { resources.append(try prepare(assignment, TypeURL.endpoint, assignment.clusterName)) }
        for listener in listeners { resources.append(try prepare(listener, TypeURL.listener, listener.name)) }
        for route in routes { resources.append(try prepare(route, TypeURL.route, route.name)) }
        return resources
    }

    static func reuseKey(_ typeURL: String, _ name: String) -> String { typeURL + "\u{0}" + name }

    /// The proxy's xDS snapshot, labelled with its node id.
    /// - Throws: a serialization error (not expected for generated messages).
    public func snapshot() throws -> Snapshot {
        Snapshot(resources: try preparedResources(), label: nodeID)
    }
}
