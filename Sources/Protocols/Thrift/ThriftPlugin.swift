internal import EnvoyAPI
internal import Mesh
internal import SwiftProtobuf

/// Manages `tcp-thrift` ports with Envoy's `envoy.filters.network.thrift_proxy` (auto transport and
/// protocol).
///
/// Outbound routes come from the primary host's VirtualService: default, version and weighted routing
/// as Aeraki does, plus what it never did — method-name (`match.method` exact), service-name
/// (`match.uri` exact or prefix, for multiplexed services), header (`match.headers`) routing from
/// every `http.match` entry, and request mirroring from `mirror` / `mirrorPercentage` / `mirrors`.
/// Thrift cannot tell hosts apart on one connection, so only the primary binding is routed.
public struct ThriftPlugin: ProtocolPlugin {
    /// The network filter name.
    public static let filterName = "envoy.filters.network.thrift_proxy"
    /// The Thrift router filter name.
    public static let routerName = "envoy.filters.thrift.router"

    public var protocolNames: [String] { ["thrift"] }

    /// The plugin.
    public init() {}

    public func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        var diagnostics: [String] = []
        let binding = context.primary
        if context.bindings.count > 1 {
            let others = context.bindings.dropFirst().map(\.service.hostname)
            diagnostics.append("\(context.listenerName): thrift cannot route by host; \(others.joined(separator: ", ")) shadowed by \(binding.service.hostname)")
        }
        let plan = L7RoutePlan.routes(for: binding, listenerPort: context.listenerPort, proxy: context.proxy, catalog: context.catalog, diagnostics: &diagnostics)
        var config = Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration()
        config.name = binding.defaultCluster
        config.routes = plan.compactMap { ThriftRouteBuilder.route($0, listenerPort: context.listenerPort, catalog: context.catalog, diagnostics: &diagnostics) }
        if config.routes.isEmpty {
            let fallback = L7Route(match: nil, target: .cluster(binding.defaultCluster), source: nil)
            config.routes = ThriftRouteBuilder.route(fallback, listenerPort: context.listenerPort, catalog: context.catalog, diagnostics: &diagnostics).map { [$0] } ?? []
        }
        var proxy = try Self.proxy(statPrefix: binding.defaultCluster, routes: config)
        proxy.accessLog = try AccessLogBuilder.accessLogs(context.accessLog, plugin: Self.filterName)
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics)
    }

    public func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        var ignored: [String] = []
        var config = Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration()
        config.name = context.clusterName
        let route = L7Route(match: nil, target: .cluster(context.clusterName), source: nil)
        config.routes = ThriftRouteBuilder.route(route, listenerPort: context.targetPort, catalog: ClusterCatalog(), diagnostics: &ignored).map { [$0] } ?? []
        var proxy = try Self.proxy(statPrefix: context.clusterName, routes: config)
        proxy.accessLog = try AccessLogBuilder.accessLogs(context.accessLog, plugin: Self.filterName)
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)])
    }

    static func proxy(statPrefix: String, routes: Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration) throws(PluginError)
        -> Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy
    {
        var proxy = Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftProxy()
        proxy.transport = .autoTransport
        proxy.protocol = .autoProtocol
        proxy.statPrefix = statPrefix
        proxy.routeConfig = routes
        var router = Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftFilter()
        router.name = routerName
        router.typedConfig = try Google_Protobuf_Any.packing(Envoy_Extensions_Filters_Network_ThriftProxy_Router_V3_Router(), plugin: filterName)
        proxy.thriftFilters = [router]
        return proxy
    }
}
