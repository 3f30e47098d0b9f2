internal import Mesh
internal import MeshAPI

extension ResolvedVirtualService {
    /// Every destination host the VirtualService routes or mirrors to (resolved), sorted.
    var destinationHosts: [String] {
        var hosts = Set<String>()
        for http in spec.http {
            for route in http.route { hosts.insert(route.destination.host.lowercased()) }
            if http.hasMirror { hosts.insert(http.mirror.host.lowercased()) }
            for mirror in http.mirrors { hosts.insert(mirror.destination.host.lowercased()) }
        }
        for tcp in spec.tcp { for route in tcp.route { hosts.insert(route.destination.host.lowercased()) } }
        for tls in spec.tls { for route in tls.route { hosts.insert(route.destination.host.lowercased()) } }
        return hosts.sorted()
    }
}

extension ProxyView.Entry {
    /// The inputs of the clusters of this service: the ServiceEntry and the DestinationRules in
    /// effect, the PeerAuthentications auto mTLS infers the namespace mode from, plus the
    /// endpoints for DNS services (their clusters embed them).
    var clusterInputs: [Dependency] {
        var inputs: [Dependency] = [.config(service.source)]
        inputs += (destinationRule?.sources ?? []).map(Dependency.config)
        if let redisDestination { inputs.append(.config(redisDestination.key)) }
        inputs += namespaceMutualTLS.sources.map(Dependency.config)
        if embedsEndpoints { inputs.append(.endpoints(service.source)) }
        return inputs
    }

    /// The inputs of a load assignment of this service: its endpoints, the DestinationRules (their
    /// subsets select endpoints, their TLS mode decides `tlsMode`) and the PeerAuthentications the
    /// endpoints' own mTLS modes come from.
    func assignmentInputs(subset: String) -> [Dependency] {
        var inputs: [Dependency] = [.endpoints(service.source), .config(service.source)]
        inputs += (destinationRule?.sources ?? []).map(Dependency.config)
        inputs += peerAuthentications.map(Dependency.config)
        return inputs
    }

    /// The inputs of a listener chain that binds this service: the cluster inputs, and the
    /// VirtualServices, RedisServices and MetaRouters routing or limiting it.
    var bindingInputs: [Dependency] {
        clusterInputs + virtualServices.map { .config($0.key) } + redisServices.map { .config($0.key) } + metaRouters.map { .config($0.key) }
    }

    /// Every host this service's VirtualServices and RedisServices route or mirror to.
    var routedHosts: Set<String> {
        var hosts = Set<String>()
        for vs in virtualServices { hosts.formUnion(vs.destinationHosts) }
        for redis in redisServices { hosts.formUnion(redis.destinationHosts) }
        return hosts
    }

    /// The rate-limit service clusters its MetaRouters' global limits call.
    var rateLimitServiceClusters: [String] {
        metaRouters.compactMap { $0.spec.hasGlobalRateLimit && !$0.spec.globalRateLimit.rateLimitService.isEmpty ? $0.spec.globalRateLimit.rateLimitService : nil }
    }

    /// The MetaRouters of this service, as inputs (of its route resources and its inbound chains;
    /// never of outbound listeners).
    var metaRouterInputs: [Dependency] {
        metaRouters.map { .config($0.key) }
    }

    /// The inputs of the route resources of one of this service's ports: the cluster inputs (the
    /// default route and its hash policy) and the MetaRouters.
    var routeInputs: [Dependency] {
        clusterInputs + metaRouterInputs
    }

    /// Every host the MetaRouters route or mirror to (lower-cased, without the service itself), sorted.
    var metaRoutedHosts: [String] {
        var hosts = Set<String>()
        for router in metaRouters {
            for route in router.spec.routes {
                for destination in route.route { hosts.insert(destination.destination.host.lowercased()) }
                if route.hasMirror { hosts.insert(route.mirror.host.lowercased()) }
            }
        }
        hosts.remove(service.hostname.lowercased())
        return hosts.sorted()
    }

    /// Whether the service's clusters carry their endpoints inline (DNS resolution).
    var embedsEndpoints: Bool {
        service.resolution == .dns || service.resolution == .dnsRoundRobin
    }
}
