internal import EnvoyAPI
internal import Mesh
internal import SwiftProtobuf

/// The RDS `RouteConfiguration` of an HTTP port (istiod's `buildSidecarOutboundHTTPRouteConfig`):
/// one virtual host per service on the port, sorted by name, then the catch-all.
enum HTTPRouteConfigurationBuilder {
    /// The sidecar route configuration named `name` for `context`'s port: the services' virtual
    /// hosts (`<host>:<port>`, Istio's domains, VirtualService or default routes), then `allow_any`
    /// (to `PassthroughCluster`) or `block_all` (502) per the outbound traffic policy.
    static func sidecar(name: String, context: OutboundContext, diagnostics: inout [Diagnostic]) -> Envoy_Config_Route_V3_RouteConfiguration {
        let routeContext = HTTPRouteContext(context)
        var config = Envoy_Config_Route_V3_RouteConfiguration()
        config.name = name
        let hosts = context.bindings.map { virtualHost($0, context: routeContext, withPort: false, diagnostics: &diagnostics) }
        var seenDomains = Set<String>()
        config.virtualHosts = hosts.sorted { $0.name < $1.name }.map { host in
            var host = host
            host.domains = host.domains.filter { seenDomains.insert($0).inserted }
            return host
        }
        config.virtualHosts.append(catchAll(allowAny: context.allowAnyHost))
        config.validateClusters = Google_Protobuf_BoolValue(false)
        config.maxDirectResponseBodySizeBytes = Google_Protobuf_UInt32Value(1_048_576)
        config.ignorePortInHostMatching = true
        return config
    }

    /// The route configuration of a proxyless gRPC client for one service port (`outbound|PORT||HOST`):
    /// the service's virtual host with every domain also with `:port`, no catch-all.
    static func proxyless(name: String, binding: ServiceBinding, context: OutboundContext, diagnostics: inout [Diagnostic]) -> Envoy_Config_Route_V3_RouteConfiguration {
        var config = Envoy_Config_Route_V3_RouteConfiguration()
        config.name = name
        config.virtualHosts = [virtualHost(binding, context: HTTPRouteContext(context), withPort: true, diagnostics: &diagnostics)]
        return config
    }

    /// The virtual host of one service port.
    static func virtualHost(
        _ binding: ServiceBinding, context: HTTPRouteContext, withPort: Bool, diagnostics: inout [Diagnostic]
    ) -> Envoy_Config_Route_V3_VirtualHost {
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "\(binding.service.hostname.lowercased()):\(binding.port.number)"
        host.domains = VirtualHostDomains.domains(binding.service, port: binding.port.number, proxyDNSDomain: context.proxy.dnsDomain, withPort: withPort)
        host.routes = HTTPRouteTranslator.routes(for: binding, context: context, diagnostics: &diagnostics)
        host.includeRequestAttemptCount = true
        return host
    }

    /// `allow_any` → `PassthroughCluster`, or `block_all` → 502.
    static func catchAll(allowAny: Bool) -> Envoy_Config_Route_V3_VirtualHost {
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = allowAny ? "allow_any" : "block_all"
        host.domains = ["*"]
        var route = Envoy_Config_Route_V3_Route()
        route.name = host.name
        route.match.prefix = "/"
        if allowAny {
            var action = Envoy_Config_Route_V3_RouteAction()
            action.cluster = ClusterName.passthrough
            HTTPRouteAction.setTimeout(nil, on: &action, proxyless: false)
            route.route = action
        } else {
            route.directResponse.status = 502
        }
        host.routes = [route]
        host.includeRequestAttemptCount = true
        return host
    }
}
