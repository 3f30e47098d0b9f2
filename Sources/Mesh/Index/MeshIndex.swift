package import MeshAPI

/// What the mesh looks like, derived from a config snapshot: services (every host, address and port,
/// protocol per port), endpoints, destination rules, virtual services, MetaRouters and scoping, so
/// the generator can ask "what does this proxy see".
///
/// Built once per snapshot; immutable and cheap to share.
package struct MeshIndex: Sendable {
    /// Mesh-wide settings the index needs.
    package struct Options: Sendable, Hashable {
        /// The cluster DNS suffix for short-name expansion.
        package var domainSuffix: String
        /// Istio's root namespace (mesh-wide default Sidecar and DestinationRules).
        package var rootNamespace: String

        /// Options from their parts.
        package init(domainSuffix: String = "cluster.local", rootNamespace: String = "istio-system") {
            self.domainSuffix = domainSuffix
            self.rootNamespace = rootNamespace
        }

        /// `cluster.local`, `istio-system`.
        package static var defaults: Options { Options() }
    }

    /// The snapshot the index was built from.
    package let snapshot: ConfigSnapshot
    /// The options used.
    package let options: Options
    /// Every service, sorted by host name then namespace.
    package let services: [MeshService]
    /// Application protocol → codec, built-ins plus ApplicationProtocol resources.
    package let codecs: [String: String]
    /// Application protocol → the ApplicationProtocol resource that registers its codec (generated
    /// resources that use a codec declare it as an input).
    package let codecSources: [String: ConfigKey]

    let servicesByHost: [String: [MeshService]]
    let endpointsBySource: [ConfigKey: [EndpointTemplate]]
    let destinationRules: [MeshResource]
    let virtualServiceList: [ResolvedVirtualService]
    let sidecars: [MeshResource]
    /// RedisServices and RedisDestinations by namespace (they apply to their own namespace's
    /// services only), in creation order.
    let redisServicesByNamespace: [String: [MeshResource]]
    let redisDestinationsByNamespace: [String: [MeshResource]]
    /// MetaRouters by lower-cased host (each of its hosts), in creation order.
    let metaRoutersByHost: [String: [(key: ConfigKey, exportTo: [String], spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)]]
    let derived: Derived

    /// Indexes `snapshot`.
    package init(snapshot: ConfigSnapshot, options: Options = .defaults) {
        self.snapshot = snapshot
        self.options = options
        var codecs = MeshProtocol.builtInCodecs
        var codecSources: [String: ConfigKey] = [:]
        for resource in snapshot.resources(of: .applicationProtocol).sorted(by: MeshResource.creationOrder) {
            if case .applicationProtocol(let ap) = resource.spec {
                codecs[ap.protocol] = ap.codec
                codecSources[ap.protocol] = resource.key
            }
        }
        self.codecs = codecs
        self.codecSources = codecSources
        let (services, endpoints) = Self.buildServices(snapshot: snapshot, codecs: codecs)
        self.services = services
        self.servicesByHost = Dictionary(grouping: services, by: { $0.hostname.lowercased() })
        self.endpointsBySource = endpoints
        self.destinationRules = snapshot.resources(of: .destinationRule).sorted(by: Self.selectorThenCreation)
        self.virtualServiceList = snapshot.resources(of: .virtualService).sorted(by: MeshResource.creationOrder)
            .compactMap { ResolvedVirtualService($0, domainSuffix: options.domainSuffix) }
        self.sidecars = snapshot.resources(of: .sidecar).sorted(by: MeshResource.creationOrder)
        self.redisServicesByNamespace = Dictionary(grouping: snapshot.resources(of: .redisService).sorted(by: MeshResource.creationOrder), by: \.key.namespace)
        self.redisDestinationsByNamespace = Dictionary(grouping: snapshot.resources(of: .redisDestination).sorted(by: MeshResource.creationOrder), by: \.key.namespace)
        var metaRouters: [String: [(key: ConfigKey, exportTo: [String], spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)]] = [:]
        for resource in snapshot.resources(of: .metaRouter).sorted(by: MeshResource.creationOrder) {
            guard case .metaRouter(let router) = resource.spec else { continue }
            for host in Set(router.hosts.map { $0.lowercased() }) {
                metaRouters[host, default: []].append((resource.key, router.exportTo, router))
            }
        }
        self.metaRoutersByHost = metaRouters
        self.derived = Derived(
            services: services, endpointsBySource: endpoints, destinationRules: destinationRules, virtualServices: virtualServiceList,
            peerAuthentications: snapshot.resources(of: .peerAuthentication).sorted(by: MeshResource.creationOrder),
            authorizationPolicies: snapshot.resources(of: .authorizationPolicy).sorted(by: MeshResource.creationOrder),
            dubboAuthorizationPolicies: snapshot.resources(of: .dubboAuthorizationPolicy),
            gateways: snapshot.resources(of: .gateway)
        )
    }

    /// `base` with a newer snapshot and endpoints (see ``updatingEndpoints(of:snapshot:)``).
    init(updating base: MeshIndex, snapshot: ConfigSnapshot, endpointsBySource: [ConfigKey: [EndpointTemplate]]) {
        self.snapshot = snapshot
        self.options = base.options
        self.services = base.services
        self.codecs = base.codecs
        self.codecSources = base.codecSources
        self.servicesByHost = base.servicesByHost
        self.endpointsBySource = endpointsBySource
        self.destinationRules = base.destinationRules
        self.virtualServiceList = base.virtualServiceList
        self.sidecars = base.sidecars
        self.redisServicesByNamespace = base.redisServicesByNamespace
        self.redisDestinationsByNamespace = base.redisDestinationsByNamespace
        self.metaRoutersByHost = base.metaRoutersByHost
        var derived = base.derived
        derived.servicesByEndpointAddress = Derived.endpointOwners(services: base.services, endpointsBySource: endpointsBySource)
        self.derived = derived
    }

    /// Every service with `hostname` (several namespaces may define one).
    package func services(hostname: String) -> [MeshService] {
        servicesByHost[hostname.lowercased()] ?? []
    }

    /// The protocol of `port` on the service with `hostname` (first definition), or nil.
    package func `protocol`(hostname: String, port: UInt32) -> MeshProtocol? {
        services(hostname: hostname).first?.port(port)?.protocol
    }

    /// MetaRouters whose host is `hostname` (every host is honoured, not only `hosts[0]`) and that are
    /// exported to `proxy`'s namespace when a proxy is given.
    package func metaRouters(for hostname: String, proxy: ProxyIdentity? = nil) -> [(key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)] {
        (metaRoutersByHost[hostname.lowercased()] ?? []).compactMap { router in
            if let proxy, !Visibility.isExported(router.exportTo, from: router.key.namespace, to: proxy.namespace) { return nil }
            return (router.key, router.spec)
        }
    }

    /// RedisServices of `namespace` (a RedisService shapes only the services of its own namespace, as
    /// in Aeraki) naming `hostname`, oldest first, with their destination hosts resolved.
    package func redisServices(for hostname: String, namespace: String) -> [ResolvedRedisService] {
        (redisServicesByNamespace[namespace] ?? []).compactMap { resource in
            guard case .redisService(let spec) = resource.spec,
                spec.host.contains(where: { HostName.resolve($0, namespace: namespace, domainSuffix: options.domainSuffix).lowercased() == hostname.lowercased() })
            else { return nil }
            return ResolvedRedisService(resource, domainSuffix: options.domainSuffix)
        }
    }

    /// The RedisDestination of `namespace` for `hostname`, if any (oldest first when several; a
    /// RedisDestination applies only to services of its own namespace, as in Aeraki).
    package func redisDestination(for hostname: String, namespace: String) -> (key: ConfigKey, spec: Redis_Aeraki_Io_V1alpha1_RedisDestination)? {
        (redisDestinationsByNamespace[namespace] ?? []).lazy
            .compactMap { resource -> (key: ConfigKey, spec: Redis_Aeraki_Io_V1alpha1_RedisDestination)? in
                guard case .redisDestination(let spec) = resource.spec,
                    HostName.resolve(spec.host, namespace: namespace, domainSuffix: self.options.domainSuffix).lowercased() == hostname.lowercased()
                else { return nil }
                return (resource.key, spec)
            }.first
    }

    /// Istio's DestinationRule order: rules with a workload selector first, then by creation time.
    static func selectorThenCreation(_ a: MeshResource, _ b: MeshResource) -> Bool {
        let sa = if case .destinationRule(let dr) = a.spec { dr.hasWorkloadSelector } else { false }
        let sb = if case .destinationRule(let dr) = b.spec { dr.hasWorkloadSelector } else { false }
        if sa != sb { return sa }
        return MeshResource.creationOrder(a, b)
    }
}
