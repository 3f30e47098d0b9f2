/// The type URLs of the xDS resource types Aeraki serves (v3).
public enum TypeURL {
    public static let cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    public static let endpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
    public static let leds = "type.googleapis.com/envoy.config.endpoint.v3.LbEndpoint"
    public static let listener = "type.googleapis.com/envoy.config.listener.v3.Listener"
    public static let route = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
    public static let scopedRoute = "type.googleapis.com/envoy.config.route.v3.ScopedRouteConfiguration"
    public static let virtualHost = "type.googleapis.com/envoy.config.route.v3.VirtualHost"
    public static let secret = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
    public static let runtime = "type.googleapis.com/envoy.service.runtime.v3.Runtime"
    public static let extensionConfig = "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"

    /// The order in which ADS pushes a change: CDS, EDS, LDS, RDS (then the rest), so that
    /// nothing refers to a resource Envoy does not have yet.
    public static let pushOrder = [
        cluster, endpoint, leds, listener, route, scopedRoute, virtualHost, secret, runtime, extensionConfig,
    ]

    /// Whether every SotW response of this type must hold every subscribed resource (LDS, CDS):
    /// a resource missing from a response is deleted.
    public static func isFullState(_ typeURL: String) -> Bool {
        typeURL == listener || typeURL == cluster
    }

    /// The rank of `typeURL` in `pushOrder`; unknown types go after every known one.
    public static func pushRank(_ typeURL: String) -> Int {
        pushOrder.firstIndex(of: typeURL) ?? pushOrder.count
    }
}
