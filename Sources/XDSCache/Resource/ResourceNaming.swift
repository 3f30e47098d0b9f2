internal import EnvoyAPI
internal import SwiftProtobuf

/// How resources are named and what they refer to.
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
        default: ""
        }
    }

    /// The ClusterLoadAssignment name an EDS cluster waits for while warming.
    static func edsServiceName(of message: any SwiftProtobuf.Message) -> String? {
        guard let cluster = message as? Envoy_Config_Cluster_V3_Cluster, cluster.type == .eds else { return nil }
        let service = cluster.edsClusterConfig.serviceName
        return service.isEmpty ? cluster.name : service
    }

    /// The RDS route configuration names an HTTP connection manager in a listener refers to.
    static func routeReferences(of message: any SwiftProtobuf.Message) -> [String] {
        guard let listener = message as? Envoy_Config_Listener_V3_Listener else { return [] }
        var chains = listener.filterChains
        if listener.hasDefaultFilterChain { chains.append(listener.defaultFilterChain) }
        var names: [String] = []
        for chain in chains {
            for filter in chain.filters where filter.typedConfig.typeURL.hasSuffix(hcmSuffix) {
                guard
                    let hcm = try? Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
                        serializedBytes: filter.typedConfig.value
                    ),
                    case .rds(let rds) = hcm.routeSpecifier
                else { continue }
                names.append(rds.routeConfigName)
            }
        }
        return names
    }

    private static let hcmSuffix =
        "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
}
