import EnvoyAPI
import SwiftProtobuf
import XDSCache

enum Fixtures {
    static func cluster(_ name: String, eds: Bool = true, timeout: Int64 = 1) -> PreparedResource {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = name
        cluster.connectTimeout = Google_Protobuf_Duration(seconds: timeout)
        if eds { cluster.type = .eds }
        return try! PreparedResource(cluster)
    }

    static func assignment(_ name: String, port: UInt32 = 80) -> PreparedResource {
        var cla = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        cla.clusterName = name
        var endpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
        var address = Envoy_Config_Core_V3_SocketAddress()
        address.address = "127.0.0.1"
        address.portValue = port
        endpoint.endpoint.address.socketAddress = address
        var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        locality.lbEndpoints = [endpoint]
        cla.endpoints = [locality]
        return try! PreparedResource(cla)
    }

    static func listener(_ name: String, port: UInt32 = 8080) -> PreparedResource {
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = name
        listener.address.socketAddress.address = "0.0.0.0"
        listener.address.socketAddress.portValue = port
        return try! PreparedResource(listener)
    }

    static func route(_ name: String, cluster: String = "c") -> PreparedResource {
        var route = Envoy_Config_Route_V3_RouteConfiguration()
        route.name = name
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "all"
        host.domains = ["*", cluster]
        route.virtualHosts = [host]
        return try! PreparedResource(route)
    }
}
