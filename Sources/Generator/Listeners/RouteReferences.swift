public import EnvoyAPI
internal import SwiftProtobuf

/// The RDS route configuration names a listener's HTTP connection managers ask for (filter chains,
/// the default chain, an API listener): what ``XDSCache/PreparedResource/routeReferences`` records.
public enum RouteReferences {
    /// The RDS names of `listener`, in chain order.
    public static func of(_ listener: Envoy_Config_Listener_V3_Listener) -> [String] {
        var chains = listener.filterChains
        if listener.hasDefaultFilterChain { chains.append(listener.defaultFilterChain) }
        var configs = chains.flatMap(\.filters).map(\.typedConfig)
        if listener.hasApiListener { configs.append(listener.apiListener.apiListener) }
        return configs.compactMap { any in
            guard any.isA(Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.self),
                let hcm = try? Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(unpackingAny: any),
                case .rds(let rds) = hcm.routeSpecifier
            else { return nil }
            return rds.routeConfigName
        }
    }
}
