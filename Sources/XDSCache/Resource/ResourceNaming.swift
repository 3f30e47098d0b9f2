internal import EnvoyAPI
internal import SwiftProtobuf

/// How xDS names resources of each type (the xDS protocol's rule, not any filter's): a
/// ClusterLoadAssignment by its `cluster_name`, everything else by its `name`.
enum ResourceNaming {
    /// The xDS name of a resource message.
    static func name(of message: any SwiftProtobuf.Message) -> String {
        switch message {
        case let m as Envoy_Config_Cluster_V3_Cluster: m.name
        case let m as Envoy_Config_Endpoint_V3_ClusterLoadAssignment: m.clusterName
        case let m as Envoy_Config_Listener_V3_Listener: m.name
        case let m as Envoy_Config_Route_V3_RouteConfiguration: m.name
        case let m as Envoy_Config_Route_V3_ScopedRouteConfiguration: m.name
        case let m as Envoy_Extensions_TransportSockets_Tls_V3_Secret: m.name
        case let m as Envoy_Service_Runtime_V3_Runtime: m.name
        case let m as Envoy_Config_Core_V3_TypedExtensionConfig: m.name
        case let m as Envoy_Config_Route_V3_VirtualHost: m.name
        case let m as Envoy_Extensions_Filters_Network_DubboProxy_V3_MultipleRouteConfiguration: m.name
        case let m as Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration: m.name
        default: ""
        }
    }

    /// The ClusterLoadAssignment name an EDS cluster waits for while warming.
    static func edsServiceName(of message: any SwiftProtobuf.Message) -> String? {
        guard let cluster = message as? Envoy_Config_Cluster_V3_Cluster, cluster.type == .eds else { return nil }
        let service = cluster.edsClusterConfig.serviceName
        return service.isEmpty ? cluster.name : service
    }
}
