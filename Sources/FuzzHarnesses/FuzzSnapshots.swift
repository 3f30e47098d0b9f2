internal import EnvoyAPI
internal import SwiftProtobuf
internal import XDSCache

/// The snapshots the stream harnesses switch between: two versions of a small consistent config
/// (CDS, EDS, LDS, RDS), an empty one, and none.
enum FuzzSnapshots {
    static let all: [Snapshot?] = [nil, make(version: 1, withB: true), make(version: 2, withB: false), Snapshot(resources: [])]

    /// The snapshot chosen by `choice`.
    static func pick(_ choice: UInt8) -> Snapshot? { all[Int(choice) % all.count] }

    private static func make(version: Int64, withB: Bool) -> Snapshot {
        var resources: [PreparedResource] = []
        for name in withB ? ["a", "b"] : ["a"] {
            var cluster = Envoy_Config_Cluster_V3_Cluster()
            cluster.name = name
            cluster.type = .eds
            cluster.edsClusterConfig.edsConfig.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
            cluster.connectTimeout = Google_Protobuf_Duration(seconds: version)
            var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
            assignment.clusterName = name
            var endpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
            endpoint.endpoint.address.socketAddress.address = "10.0.0.\(version)"
            endpoint.endpoint.address.socketAddress.portValue = 8080
            assignment.endpoints = [Envoy_Config_Endpoint_V3_LocalityLbEndpoints.with { $0.lbEndpoints = [endpoint] }]
            resources += [try! PreparedResource(cluster), try! PreparedResource(assignment)]
        }
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "l"
        listener.address.socketAddress.portValue = UInt32(9000 + version)
        var route = Envoy_Config_Route_V3_RouteConfiguration()
        route.name = "r"
        route.virtualHosts = [Envoy_Config_Route_V3_VirtualHost.with { $0.name = "v\(version)"; $0.domains = ["*"] }]
        resources += [try! PreparedResource(listener, routeReferences: ["r"]), try! PreparedResource(route)]
        return Snapshot(resources: resources, label: "fuzz-\(version)")
    }
}
