internal import EnvoyAPI
package import Mesh
internal import SwiftProtobuf

/// Manages `tcp-thrift` ports with Envoy's `envoy.filters.network.thrift_proxy` (auto transport and
/// protocol).
///
/// Outbound routes come from the primary host's VirtualService: default, version and weighted routing
/// as Aeraki does, plus what it never did — method-name (`match.method` exact), service-name
/// (`match.uri` exact or prefix, for multiplexed services), header (`match.headers`) routing from
/// every `http.match` entry, and request mirroring from `mirror` / `mirrorPercentage` / `mirrors`.
/// Thrift cannot tell hosts apart on one connection, so only the primary binding is routed.
package struct ThriftPlugin: ProtocolPlugin {
    /// The network filter name.
    package static let filterName = "envoy.filters.network.thrift_proxy"
    /// The Thrift router filter name.
    package static let routerName = "envoy.filters.thrift.router"

    package var protocolNames: [String] { ["thrift"] }

    /// The plugin.
    package init() {}

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        let binding = context.primary
        var diagnostics = context.shadowedServicesDiagnostics(protocol: "thrift")
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
        guard discoversRoutes(for: context.proxy) else {
            return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics)
        }
        proxy.clearRouteConfig()
        var trds = Envoy_Extensions_Filters_Network_ThriftProxy_V3_Trds()
        trds.configSource = ConfigSources.ads
        trds.routeConfigName = config.name
        proxy.trds = trds
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], routes: [config], diagnostics: diagnostics)
    }

    /// Outbound routes go over `trds` (type `envoy.extensions.filters.network.thrift_proxy.v3.RouteConfiguration`)
    /// unless the proxy asks for them inline (``ProxyCapabilities/Capability/inlineL7Routes``).
    package func discoversRoutes(for proxy: ProxyIdentity) -> Bool {
        !proxy.capabilities.has(.inlineL7Routes)
    }

    /// Inbound: a catch-all to `inbound|PORT||`, with the request rate limits of the service's
    /// MetaRouter (``ThriftRateLimits``).
    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        var diagnostics: [Diagnostic] = []
        let plan = ThriftRateLimits.Plan(context.bindings[0])
        var config = Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteConfiguration()
        config.name = context.clusterName
        var proxy = try Self.proxy(statPrefix: context.clusterName, routes: config)
        if let filter = try ThriftRateLimits.globalFilter(plan, clusters: context.existingClusters, diagnostics: &diagnostics) {
            proxy.thriftFilters.insert(filter, at: 0)
            config.routes = ThriftRateLimits.routes(plan, cluster: context.clusterName, diagnostics: &diagnostics)
        } else {
            var ignored: [Diagnostic] = []
            let route = L7Route(match: nil, target: .cluster(context.clusterName), source: nil)
            config.routes = ThriftRouteBuilder.route(route, listenerPort: context.targetPort, catalog: ClusterCatalog(), diagnostics: &ignored).map { [$0] } ?? []
        }
        proxy.routeConfig = config
        proxy.accessLog = try AccessLogBuilder.accessLogs(context.accessLog, plugin: Self.filterName)
        var filters = [try Envoy_Config_Listener_V3_Filter.typed(Self.filterName, proxy)]
        if let local = try ThriftRateLimits.localFilter(plan, statPrefix: context.clusterName, diagnostics: &diagnostics) {
            filters.insert(local, at: 0)
        }
        return PluginOutput(filters: filters, diagnostics: diagnostics)
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
