internal import EnvoyAPI
package import Mesh
internal import SwiftProtobuf

/// Manages HTTP, HTTP/2, gRPC and gRPC-Web ports with Envoy's `HttpConnectionManager`, as istiod does
/// for sidecars (Istio 1.29).
///
/// Outbound, the listener `0.0.0.0_<port>` carries one connection manager that fetches the route
/// configuration named after the port over RDS (one virtual host per service on the port,
/// VirtualService routes, the catch-all), returned as the output's route. Routes are discovered
/// (``discoversRoutes(for:)``), so the generator keeps the listener apart from them and a
/// VirtualService edit rebuilds only the route configuration. Inbound, the `virtualInbound` chain's
/// connection manager carries an inline route configuration to `inbound|<port>||`.
package struct HTTPPlugin: ProtocolPlugin {
    package var protocolNames: [String] { ["http", "http2", "grpc", "grpc-web"] }

    /// The plugin.
    package init() {}

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        var hcm = try HTTPConnectionManagerBuilder.sidecar(
            .outbound, statPrefix: "outbound_" + context.listenerName, protocol: context.primary.port.protocol, accessLog: context.accessLog,
            tracingSampling: context.tracingSampling
        )
        let name = Self.routeName(port: context.listenerPort)
        hcm.rds = HTTPConnectionManagerBuilder.adsRDS(name)
        var diagnostics: [Diagnostic] = []
        let config = HTTPRouteConfigurationBuilder.sidecar(name: name, context: context, diagnostics: &diagnostics)
        return PluginOutput(
            filters: [try .typed(HTTPConnectionManagerBuilder.filterName, hcm)], routes: [config], diagnostics: diagnostics, routeReferences: [name]
        )
    }

    /// Always: the route configuration is served over RDS.
    package func discoversRoutes(for proxy: ProxyIdentity) -> Bool { true }

    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        let binding = context.bindings[0]
        var hcm = try HTTPConnectionManagerBuilder.sidecar(
            .inbound, statPrefix: "inbound_0.0.0.0_\(context.targetPort)", protocol: binding.port.protocol, accessLog: context.accessLog,
            tracingSampling: context.tracingSampling
        )
        hcm.routeConfig = Self.inboundRoutes(context)
        return PluginOutput(filters: [try .typed(HTTPConnectionManagerBuilder.filterName, hcm)])
    }

    /// The RDS name of an outbound HTTP port: the port number.
    package static func routeName(port: UInt32) -> String { "\(port)" }

    /// The inline route configuration of an inbound chain: `inbound|<port>||`, one virtual host
    /// `inbound|http|<service port>` for every domain, one route to the inbound cluster with timeouts
    /// off and, on non-gRPC ports, retries of requests reset before reaching the application.
    static func inboundRoutes(_ context: InboundContext) -> Envoy_Config_Route_V3_RouteConfiguration {
        let binding = context.bindings[0]
        var action = Envoy_Config_Route_V3_RouteAction()
        action.cluster = context.clusterName
        action.timeout = Google_Protobuf_Duration()
        action.maxStreamDuration.maxStreamDuration = Google_Protobuf_Duration()
        action.maxStreamDuration.grpcTimeoutHeaderMax = Google_Protobuf_Duration()
        if !binding.port.protocol.isGRPC { action.retryPolicy = HTTPRetryPolicy.inbound }
        var route = Envoy_Config_Route_V3_Route()
        route.name = "default"
        route.match.prefix = "/"
        route.route = action
        route.decorator.operation = "\(binding.service.hostname):\(binding.port.number)/*"
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "inbound|http|\(binding.port.number)"
        host.domains = ["*"]
        host.routes = [route]
        var config = Envoy_Config_Route_V3_RouteConfiguration()
        config.name = context.clusterName
        config.virtualHosts = [host]
        config.validateClusters = Google_Protobuf_BoolValue(false)
        return config
    }
}
