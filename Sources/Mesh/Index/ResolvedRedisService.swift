package import MeshAPI

/// A RedisService with the hosts of its routes and mirrors expanded to FQDNs relative to its
/// namespace (`name.namespace.svc.<suffix>`), as its destinations are named in cluster names.
package struct ResolvedRedisService: Sendable {
    /// The RedisService.
    package var key: ConfigKey
    /// The spec with every route and mirror host resolved.
    package var spec: Redis_Aeraki_Io_V1alpha1_RedisService

    init?(_ resource: MeshResource, domainSuffix: String) {
        guard case .redisService(var spec) = resource.spec else { return nil }
        let ns = resource.key.namespace
        func resolve(_ host: String) -> String { HostName.resolve(host, namespace: ns, domainSuffix: domainSuffix) }
        for i in spec.redis.indices {
            spec.redis[i].route.host = resolve(spec.redis[i].route.host)
            for j in spec.redis[i].mirror.indices { spec.redis[i].mirror[j].route.host = resolve(spec.redis[i].mirror[j].route.host) }
        }
        self.key = resource.key
        self.spec = spec
    }

    /// Every host its routes and mirrors send to (lower-cased, sorted).
    package var destinationHosts: [String] {
        var hosts = Set<String>()
        for route in spec.redis {
            if route.hasRoute { hosts.insert(route.route.host.lowercased()) }
            for mirror in route.mirror where mirror.hasRoute { hosts.insert(mirror.route.host.lowercased()) }
        }
        return hosts.sorted()
    }
}
