import EnvoyAPI
import SwiftProtobuf
import XDSCache

/// The benchmark's resources: per node, N clusters (EDS), N assignments and N listeners (HCM + RDS).
enum BenchResources {
    static func clusterName(_ i: Int) -> String { "outbound|8080||svc-\(i).bench.svc.cluster.local" }

    static func cluster(_ i: Int) throws -> PreparedResource {
        var c = Envoy_Config_Cluster_V3_Cluster()
        c.name = clusterName(i)
        c.type = .eds
        c.edsClusterConfig.edsConfig.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        c.edsClusterConfig.serviceName = clusterName(i)
        c.connectTimeout = Google_Protobuf_Duration(seconds: 1)
        return try PreparedResource(c)
    }

    static func assignment(_ i: Int, generation: Int) throws -> PreparedResource {
        var cla = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        cla.clusterName = clusterName(i)
        var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        for k in 0..<2 {
            var endpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
            endpoint.endpoint.address.socketAddress.address = "10.\(i / 250).\(i % 250).\(k + 1 + generation)"
            endpoint.endpoint.address.socketAddress.portValue = 8080
            locality.lbEndpoints.append(endpoint)
        }
        cla.endpoints = [locality]
        return try PreparedResource(cla)
    }

    static func listener(_ i: Int, generation: Int) throws -> PreparedResource {
        var hcm = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        hcm.statPrefix = "outbound_0.0.0.0_\(10000 + i)"
        var rds = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_Rds()
        rds.routeConfigName = "route-\(i)-g\(generation)"
        rds.configSource.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        hcm.routeSpecifier = .rds(rds)
        var router = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        router.name = "envoy.filters.http.router"
        router.typedConfig = try Google_Protobuf_Any(message: Envoy_Extensions_Filters_Http_Router_V3_Router())
        hcm.httpFilters = [router]
        var filter = Envoy_Config_Listener_V3_Filter()
        filter.name = "envoy.filters.network.http_connection_manager"
        filter.typedConfig = try Google_Protobuf_Any(message: hcm)
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.filters = [filter]
        var l = Envoy_Config_Listener_V3_Listener()
        l.name = "listener-\(i)"
        l.address.socketAddress.address = "0.0.0.0"
        l.address.socketAddress.portValue = UInt32(10000 + i)
        l.filterChains = [chain]
        return try PreparedResource(l)
    }
}
