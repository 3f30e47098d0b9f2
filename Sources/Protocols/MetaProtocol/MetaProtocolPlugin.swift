internal import EnvoyAPI
package import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Manages `tcp-metaprotocol-<application>-…` ports with Aeraki's `meta_protocol_proxy` and the
/// codec of the application protocol (an `ApplicationProtocol` resource, or the built-in dubbo and
/// thrift codecs).
///
/// Outbound, the listener's proxy takes its routes over RDS on the proxy's own ADS stream
/// (`config_source: ads`), route configuration `<host>_<port>`, built by ``routeResources(_:)`` from
/// the host's MetaRouter — a MetaRouter edit changes that resource only, never the listener.
/// Inbound, an inline catch-all route to `inbound|PORT||`, behind the MetaRouter's local and global
/// rate limits (enforced by the server, per instance). Filters in order: local rate limit → global
/// rate limit → metadata exchange → istio stats → router. Access log and tracing follow the mesh
/// config.
///
/// Only proxies announcing ``ProxyCapabilities/Capability/metaProtocolProxy`` (node metadata
/// `AERAKI_CAPABILITIES=meta_protocol_proxy`) get the filter; for others the plugin fails with the
/// reason and the generator falls back to `tcp_proxy`.
package struct MetaProtocolPlugin: ProtocolPlugin {
    /// The network filter name (the proxy also registers `aeraki.meta_protocol_proxy`; Envoy
    /// resolves the filter by its config type).
    package static let filterName = "envoy.filters.network.meta_protocol_proxy"
    static let pluginName = "metaprotocol"

    package var protocolNames: [String] { [Self.pluginName] }
    package var servesRouteResources: Bool { true }

    /// The listener of a proxy that can run meta_protocol_proxy subscribes to its routes (RDS), so it
    /// depends on the bound services alone, never on their MetaRouters.
    package func discoversRoutes(for proxy: ProxyIdentity) -> Bool { proxy.capabilities.has(.metaProtocolProxy) }

    /// The plugin.
    package init() {}

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        let binding = context.primary
        let codec = try Self.codec(of: binding, proxy: context.proxy)
        let diagnostics = context.shadowedServicesDiagnostics(protocol: "meta_protocol_proxy")
        var proxy = try MetaProtocolProxyBuilder.proxy(
            statPrefix: binding.defaultCluster, codec: codec, host: binding.service.hostname,
            accessLog: context.accessLog, tracingSampling: context.tracingSampling, rateLimits: []
        )
        var rds = Aeraki_MetaProtocolProxy_V1alpha_Rds()
        rds.routeConfigName = MetaRouteBuilder.routeName(host: binding.service.hostname, port: binding.port.number)
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        source.resourceApiVersion = .v3
        rds.configSource = source
        proxy.rds = rds
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics, routeReferences: [rds.routeConfigName])
    }

    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        let binding = context.bindings[0]
        let codec = try Self.codec(of: binding, proxy: context.proxy)
        var diagnostics: [Diagnostic] = []
        let rateLimits = try MetaRateLimitBuilder.filters(binding, existingClusters: context.existingClusters, diagnostics: &diagnostics)
        var proxy = try MetaProtocolProxyBuilder.proxy(
            statPrefix: context.clusterName, codec: codec, host: binding.service.hostname,
            accessLog: context.accessLog, tracingSampling: context.tracingSampling, rateLimits: rateLimits
        )
        var route = Aeraki_MetaProtocolProxy_Config_Route_V1alpha_Route()
        route.route.cluster = context.clusterName
        var config = Aeraki_MetaProtocolProxy_Config_Route_V1alpha_RouteConfiguration()
        config.name = context.clusterName
        config.routes = [route]
        proxy.routeConfig = config
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics)
    }

    package func routeResources(_ context: RouteContext) throws(PluginError) -> PluginOutput {
        guard context.proxy.capabilities.has(.metaProtocolProxy), case .metaProtocol(_, let codec?) = context.binding.port.protocol, !codec.isEmpty else {
            return PluginOutput(filters: [])  // the listener falls back to tcp_proxy and says why
        }
        var diagnostics: [Diagnostic] = []
        let route = MetaRouteBuilder.routeConfiguration(context, diagnostics: &diagnostics)
        return PluginOutput(filters: [], routes: [route], diagnostics: diagnostics)
    }

    /// The application protocol and codec of `binding`'s port.
    /// - Throws: ``PluginError`` when `proxy` cannot run the filter or no codec is registered.
    static func codec(of binding: ServiceBinding, proxy: ProxyIdentity) throws(PluginError) -> (application: String, codec: String) {
        guard proxy.capabilities.has(.metaProtocolProxy) else {
            throw PluginError(
                plugin: pluginName,
                message: "the proxy does not announce \(ProxyCapabilities.metadataKey)=\(ProxyCapabilities.Capability.metaProtocolProxy.rawValue), so its Envoy build cannot run meta_protocol_proxy",
                code: .missingCapability
            )
        }
        guard case .metaProtocol(let application, let codec) = binding.port.protocol else {
            throw PluginError(plugin: pluginName, message: "port \(binding.port.name) is not a MetaProtocol port")
        }
        guard let codec, !codec.isEmpty else {
            throw PluginError(
                plugin: pluginName, message: "no codec for application protocol \"\(application)\": add an ApplicationProtocol naming its codec",
                code: .unknownApplicationProtocol
            )
        }
        return (application, codec)
    }
}
