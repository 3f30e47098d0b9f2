internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Manages `tcp-redis` ports with Envoy's `envoy.filters.network.redis_proxy`.
///
/// Outbound, the primary host's oldest RedisService (of its own namespace) shapes the proxy: key
/// prefix routes and the catch-all route, request mirroring (to the mirror host's own port),
/// faults, downstream auth and the connection settings (see ``RedisProxyBuilder``). Without one,
/// every key goes to `outbound|PORT||HOST`. Inbound, a catch-all to `inbound|PORT||` with a one-hour
/// operation timeout, as Aeraki does — except on Redis Cluster nodes (see ``inboundFilters(_:)``). The cluster side (cluster mode, upstream auth, connection
/// pool) comes from the RedisDestination, in the generator's cluster builder.
package struct RedisPlugin: ProtocolPlugin {
    /// The network filter name (also the key of the clusters' Redis protocol options).
    package static let filterName = "envoy.filters.network.redis_proxy"
    /// The operation timeout when the RedisService sets none (Aeraki's outbound default).
    static let defaultOutboundTimeout: Int64 = 60
    /// The inbound operation timeout (Aeraki's).
    static let inboundTimeout: Int64 = 3600

    package var protocolNames: [String] { ["redis"] }

    /// The plugin.
    package init() {}

    package func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        let binding = context.primary
        var diagnostics = context.shadowedServicesDiagnostics(protocol: "redis")
        if let oldest = binding.redisServices.first {
            diagnostics += Diagnostic.shadowed(binding.redisServices.dropFirst().map(\.key), by: oldest.key, in: binding.service.hostname)
        }
        let builder = RedisProxyBuilder(listenerPort: context.listenerPort, catalog: context.catalog, defaultCluster: binding.defaultCluster)
        let proxy = builder.proxy(statPrefix: binding.defaultCluster, redisService: binding.redisServices.first, diagnostics: &diagnostics)
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)], diagnostics: diagnostics)
    }

    /// Inbound of a Redis Cluster node (its RedisDestination says `mode: CLUSTER`) is plain
    /// `tcp_proxy`: `redis_proxy` answers `CLUSTER SLOTS` and other cluster commands with an
    /// error, which would break the clients' slot discovery and redirections through this node.
    package func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        if context.bindings.contains(where: { $0.redisDestination?.trafficPolicy.connectionPool.redis.mode == .cluster }) {
            return try TCPProxyPlugin().inboundFilters(context)
        }
        var proxy = Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy()
        proxy.statPrefix = context.clusterName
        proxy.settings.opTimeout = Google_Protobuf_Duration(seconds: Self.inboundTimeout)
        proxy.prefixRoutes.catchAllRoute = RedisProxyBuilder.route(cluster: context.clusterName)
        return PluginOutput(filters: [try .typed(Self.filterName, proxy)])
    }
}
