/// The type URLs of the xDS resource types Aeraki serves (v3).
public enum TypeURL {
    public static let cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    public static let endpoint = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
    public static let listener = "type.googleapis.com/envoy.config.listener.v3.Listener"
    public static let route = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
    public static let secret = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
    public static let runtime = "type.googleapis.com/envoy.service.runtime.v3.Runtime"
    public static let extensionConfig = "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"

    /// The order in which ADS pushes a change: CDS, EDS, LDS, RDS (then the rest), so that
    /// nothing refers to a resource Envoy does not have yet.
    public static let pushOrder = [cluster, endpoint, listener, route, secret, runtime, extensionConfig]
}
