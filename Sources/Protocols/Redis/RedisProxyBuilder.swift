internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Builds an outbound `RedisProxy` from a RedisService, without Aeraki's defects: a mirror goes to
/// its own host's port (not the primary route's), `PREFER_REPLICA` stays `PREFER_REPLICA`,
/// `caseInsensitive` and `maxUpstreamUnknownConnections` are honoured, and a destination whose
/// cluster does not exist is reported and dropped instead of pointing Envoy at nothing.
struct RedisProxyBuilder {
    let listenerPort: UInt32
    let catalog: ClusterCatalog
    /// `outbound|PORT||HOST` of the service itself: the catch-all when the RedisService has none.
    let defaultCluster: String

    typealias Proxy = Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProxy
    typealias Route = Proxy.PrefixRoutes.Route

    func proxy(statPrefix: String, redisService: ResolvedRedisService?, diagnostics: inout [Diagnostic]) -> Proxy {
        var proxy = Proxy()
        proxy.statPrefix = statPrefix
        proxy.settings.opTimeout = Google_Protobuf_Duration(seconds: RedisPlugin.defaultOutboundTimeout)
        proxy.prefixRoutes.catchAllRoute = Self.route(cluster: defaultCluster)
        guard let redisService else { return proxy }
        let spec = redisService.spec
        let label = "\(redisService.key.namespace)/\(redisService.key.name)"
        if spec.hasSettings { apply(spec.settings, to: &proxy) }
        for (index, entry) in spec.redis.enumerated() {
            guard var route = self.route(entry, of: redisService.key, label: "\(label) redis[\(index)]", diagnostics: &diagnostics) else { continue }
            if case .key(let key)? = entry.match.match, entry.hasMatch {
                route.prefix = key.prefix
                route.removePrefix = key.removePrefix
                proxy.prefixRoutes.routes.append(route)
            } else {
                proxy.prefixRoutes.catchAllRoute = route
            }
        }
        proxy.faults = spec.faults.map(Self.fault)
        return proxy
    }

    /// Connection settings, `caseInsensitive` and downstream auth.
    private func apply(_ settings: Redis_Aeraki_Io_V1alpha1_RedisService.Settings, to proxy: inout Proxy) {
        proxy.prefixRoutes.caseInsensitive = settings.caseInsensitive
        if settings.hasOpTimeout, settings.opTimeout.seconds > 0 || settings.opTimeout.nanos > 0 { proxy.settings.opTimeout = settings.opTimeout }
        proxy.settings.enableCommandStats = settings.enableCommandStats
        proxy.settings.enableHashtagging = settings.enableHashtagging
        proxy.settings.enableRedirection = settings.enableRedirection
        proxy.settings.maxBufferSizeBeforeFlush = settings.maxBufferSizeBeforeFlush
        if settings.hasBufferFlushTimeout { proxy.settings.bufferFlushTimeout = settings.bufferFlushTimeout }
        if settings.hasMaxUpstreamUnknownConnections { proxy.settings.maxUpstreamUnknownConnections = settings.maxUpstreamUnknownConnections }
        proxy.settings.readPolicy = Self.readPolicy(settings.readPolicy)
        if settings.hasAuth, let credentials = RedisAuth.credentials(settings.auth) {
            proxy.downstreamAuthPasswords = [credentials.password]
            if let username = credentials.username { proxy.downstreamAuthUsername = username }
        }
    }

    /// Every read policy maps to its namesake (Aeraki sent `PREFER_REPLICA` as `PREFER_MASTER`).
    static func readPolicy(_ policy: Redis_Aeraki_Io_V1alpha1_RedisService.ReadPolicy) -> Proxy.ConnPoolSettings.ReadPolicy {
        switch policy {
        case .master: .master
        case .preferMaster: .preferMaster
        case .replica: .replica
        case .preferReplica: .preferReplica
        case .any: .any
        case .UNRECOGNIZED: .master
        }
    }

    /// The route of one `redis[]` entry, or nil when its destination has no cluster.
    private func route(
        _ entry: Redis_Aeraki_Io_V1alpha1_RedisService.Route, of redisService: ConfigKey, label: String, diagnostics: inout [Diagnostic]
    ) -> Route? {
        let cluster = self.cluster(entry.route)
        guard catalog.contains(cluster) else {
            diagnostics.append(Diagnostic(.unknownDestination, config: redisService, "\(label): destination cluster \(cluster) does not exist; route skipped"))
            return nil
        }
        var route = Self.route(cluster: cluster)
        for (index, mirror) in entry.mirror.enumerated() {
            let target = self.cluster(mirror.route)
            guard catalog.contains(target) else {
                diagnostics.append(Diagnostic(
                    .unknownDestination, config: redisService, "\(label) mirror[\(index)]: mirror cluster \(target) does not exist; mirror dropped"
                ))
                continue
            }
            var policy = Route.RequestMirrorPolicy()
            policy.cluster = target
            policy.excludeReadCommands = mirror.excludeReadCommands
            if mirror.hasPercentage { policy.runtimeFraction = Percentages.runtimeFraction(mirror.percentage.value) }
            route.requestMirrorPolicy.append(policy)
        }
        return route
    }

    /// `outbound|PORT||HOST` of a destination: its own port, else its host's only port, else the
    /// listener's port.
    private func cluster(_ destination: Redis_Aeraki_Io_V1alpha1_RedisService.Destination) -> String {
        let port = catalog.port(forHost: destination.host, explicit: destination.port, listenerPort: listenerPort)
        return ClusterName.outbound(port: port, host: destination.host)
    }

    static func route(cluster: String) -> Route {
        var route = Route()
        route.cluster = cluster
        return route
    }

    /// A fault; without a percentage it applies to every matching command.
    static func fault(_ fault: Redis_Aeraki_Io_V1alpha1_Fault) -> Proxy.RedisFault {
        var out = Proxy.RedisFault()
        out.faultType = fault.type == .error ? .error : .delay
        out.faultEnabled = Percentages.runtimeFraction(fault.hasPercentage ? fault.percentage.value : 100)
        if fault.hasDelay { out.delay = fault.delay }
        out.commands = fault.commands
        return out
    }
}
