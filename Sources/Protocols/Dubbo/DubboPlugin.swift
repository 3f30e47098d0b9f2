internal import EnvoyAPI
package import Mesh
internal import SwiftProtobuf

/// Manages `tcp-dubbo` ports with Envoy's `envoy.filters.network.dubbo_proxy`.
///
/// Outbound, every service sharing the listener gets its own route configuration (Dubbo requests name
/// their interface, so one listener serves many interfaces), with default, version (subset), weighted,
/// method (exact / prefix / regex) and attachment (header) routing from every `http.match` entry of
/// the host's VirtualService. The interface is the ServiceEntry's `interface` annotation, else the
/// host name. Inbound, a catch-all route to `inbound|PORT||` — for every own service, selector or not.
/// Envoy's `DubboProxy` has no `access_log` field, so the mesh access log does not apply (Aeraki
/// lists Dubbo access logging as to do, too). Services annotated `aeraki.io/dubbo-generic-proxy: "true"`
/// get Envoy's upstream `generic_proxy` with its Dubbo codec instead (``DubboGenericProxy``).
package struct DubboPlugin: ProtocolPlugin {
    /// The network filter name.
    package static let filterName = "envoy.filters.network.dubbo_proxy"
    /// The Dubbo router filter name.
    package static let routerName = "envoy.filters.dubbo.router"

    package var protocolNames: [String] { ["dubbo"] }

    /// The plugin.
    package init() {}

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        if DubboGenericProxy.isOptedIn(context.primary) { return try DubboGenericProxy.outbound(context) }
        var diagnostics: [Diagnostic] = []
        var multiple = Envoy_Extensions_Filters_Network_DubboProxy_V3_MultipleRouteConfiguration()
        multiple.name = context.listenerName
        multiple.routeConfig = context.bindings.map { binding in
            var config = Envoy_Extensions_Filters_Network_DubboProxy_V3_RouteConfiguration()
            config.name = binding.defaultCluster
            config.interface = binding.annotations["interface"] ?? binding.service.hostname
            let plan = L7RoutePlan.routes(for: binding, listenerPort: context.listenerPort, proxy: context.proxy, catalog: context.catalog, diagnostics: &diagnostics)
            config.routes = plan.map { DubboRouteBuilder.route($0, diagnostics: &diagnostics) }
            return config
        }
        var proxy = try Self.proxy(statPrefix: context.primary.defaultCluster)
        guard discoversRoutes(for: context.proxy) else {
            proxy.multipleRouteConfig = multiple
            return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics)
        }
        var drds = Envoy_Extensions_Filters_Network_DubboProxy_V3_Drds()
        drds.configSource = ConfigSources.ads
        drds.routeConfigName = multiple.name
        proxy.drds = drds
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], routes: [multiple], diagnostics: diagnostics)
    }

    /// Outbound routes go over `drds` (type `envoy.extensions.filters.network.dubbo_proxy.v3.MultipleRouteConfiguration`,
    /// which Envoy accepts over ADS only) unless the proxy asks for them inline
    /// (``ProxyCapabilities/Capability/inlineL7Routes``).
    package func discoversRoutes(for proxy: ProxyIdentity) -> Bool {
        !proxy.capabilities.has(.inlineL7Routes)
    }

    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        if DubboGenericProxy.isOptedIn(context.bindings[0]) { return try DubboGenericProxy.inbound(context) }
        var config = Envoy_Extensions_Filters_Network_DubboProxy_V3_RouteConfiguration()
        config.name = context.clusterName
        config.interface = "*"
        var ignored: [Diagnostic] = []
        config.routes = [DubboRouteBuilder.route(L7Route(match: nil, target: .cluster(context.clusterName), source: nil), diagnostics: &ignored)]
        var multiple = Envoy_Extensions_Filters_Network_DubboProxy_V3_MultipleRouteConfiguration()
        multiple.name = context.clusterName
        multiple.routeConfig = [config]
        var proxy = try Self.proxy(statPrefix: context.clusterName)
        proxy.multipleRouteConfig = multiple
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)])
    }

    static func proxy(statPrefix: String) throws(PluginError) -> Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboProxy {
        var proxy = Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboProxy()
        proxy.statPrefix = statPrefix
        proxy.protocolType = .dubbo
        proxy.serializationType = .hessian2
        var router = Envoy_Extensions_Filters_Network_DubboProxy_V3_DubboFilter()
        router.name = routerName
        router.config = try Google_Protobuf_Any.packing(Envoy_Extensions_Filters_Network_DubboProxy_Router_V3_Router(), plugin: filterName)
        proxy.dubboFilters = [router]
        return proxy
    }
}
