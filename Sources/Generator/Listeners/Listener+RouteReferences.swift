package import EnvoyAPI
internal import SwiftProtobuf

extension Envoy_Config_Listener_V3_Listener {
    /// The RDS route configuration names this listener's HTTP connection managers ask for: those of
    /// its filter chains and default chain, and its API listener's (proxyless gRPC), in order.
    package var rdsRouteNames: [String] {
        var managers: [Google_Protobuf_Any] = []
        var chains = filterChains
        if hasDefaultFilterChain { chains.append(defaultFilterChain) }
        managers += chains.flatMap(\.filters).map(\.typedConfig)
        if hasApiListener { managers.append(apiListener.apiListener) }
        return managers.compactMap { any in
            guard let manager = try? Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(unpackingAny: any),
                case .rds(let rds) = manager.routeSpecifier
            else { return nil }
            return rds.routeConfigName
        }
    }
}
