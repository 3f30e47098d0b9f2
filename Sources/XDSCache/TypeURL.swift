/// The type URLs of the xDS resource types Aeraki serves (v3).
package enum TypeURL {
    package static let cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    package static let endpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
    package static let leds = "type.googleapis.com/envoy.config.endpoint.v3.LbEndpoint"
    package static let listener = "type.googleapis.com/envoy.config.listener.v3.Listener"
    package static let route = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
    package static let scopedRoute = "type.googleapis.com/envoy.config.route.v3.ScopedRouteConfiguration"
    package static let virtualHost = "type.googleapis.com/envoy.config.route.v3.VirtualHost"
    package static let secret = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
    package static let runtime = "type.googleapis.com/envoy.service.runtime.v3.Runtime"
    package static let extensionConfig = "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"

    /// The order in which ADS pushes a change: CDS, EDS, LDS, RDS (then the rest), so that
    /// nothing refers to a resource Envoy does not have yet.
    package static let pushOrder = [
        cluster, endpoint, leds, listener, route, scopedRoute, virtualHost, secret, runtime, extensionConfig,
    ]

    /// Whether every SotW response of this type must hold every subscribed resource (LDS, CDS):
    /// a resource missing from a response is deleted.
    package static func isFullState(_ typeURL: String) -> Bool {
        typeURL == listener || typeURL == cluster
    }

    /// The rank of `typeURL` in `pushOrder`; unknown types go after every known one.
    package static func pushRank(_ typeURL: String) -> Int {
        pushOrder.firstIndex(of: typeURL) ?? pushOrder.count
    }
}
