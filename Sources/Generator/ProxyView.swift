package import Mesh
package import MeshAPI
internal import Protocols

/// What one proxy (and so every proxy of its scope) sees of the mesh, gathered once per build: its
/// visible services with their DestinationRule, VirtualServices and annotations; a proxy's own
/// services (for inbound) are looked up with the same rules.
package struct ProxyView: Sendable {
    /// One visible service and the rules that apply to it for this proxy.
    package struct Entry: Sendable {
        /// The service.
        package var service: MeshService
        /// The ServiceEntry's annotations.
        package var annotations: [String: String]
        /// The DestinationRule for the host, if any.
        package var destinationRule: EffectiveDestinationRule?
        /// The VirtualServices for the host, in creation order.
        package var virtualServices: [ResolvedVirtualService]
        /// The RedisServices of the service's namespace naming the host, oldest first (Redis ports only).
        package var redisServices: [ResolvedRedisService] = []
        /// The RedisDestination of the service's namespace for the host (Redis ports only).
        package var redisDestination: (key: ConfigKey, spec: Redis_Aeraki_Io_V1alpha1_RedisDestination)?
        /// The MetaRouters naming the host, oldest first: for MetaProtocol ports those exported to the
        /// proxy's namespace (routes, rate limits), for Thrift ports all of them (their rate limits).
        package var metaRouters: [(key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)] = []
        /// The mTLS mode clients infer for the service's namespace (auto mTLS), with the
        /// namespace- and mesh-level PeerAuthentications it comes from.
        package var namespaceMutualTLS: (mode: MutualTLSMode, sources: [ConfigKey])
        /// Every PeerAuthentication of the service's namespace and the root namespace: the
        /// endpoints' own modes (EDS `tlsMode`) are read from them.
        package var peerAuthentications: [ConfigKey]

        /// The subset names of the DestinationRule (empty without one).
        package var subsets: [String] { destinationRule?.subsets.map(\.name) ?? [] }
    }

    /// The proxy (for a shared scope: the first proxy of the scope, see ``ScopeKey``).
    package let proxy: ProxyIdentity
    /// The visible services, sorted by host name.
    package let entries: [Entry]
    /// `ALLOW_ANY` or `REGISTRY_ONLY` for this proxy.
    package let outboundTrafficPolicy: GeneratorOptions.OutboundTrafficPolicy
    private let rules: ProxyRules

    /// Gathers the view of `proxy` from `index`.
    package init(index: MeshIndex, proxy: ProxyIdentity, options: GeneratorOptions) {
        self.proxy = proxy
        let rules = ProxyRules(index: index, proxy: proxy)
        self.rules = rules
        self.entries = index.services(visibleTo: proxy).map { Self.entry($0, rules: rules, index: index, proxy: proxy) }
        var policy = options.outboundTrafficPolicy
        if let sidecar = index.sidecar(for: proxy)?.spec, sidecar.hasOutboundTrafficPolicy {
            policy = sidecar.outboundTrafficPolicy.mode == .registryOnly ? .registryOnly : .allowAny
        }
        self.outboundTrafficPolicy = policy
    }

    /// The own services of a proxy of this view's scope (workload selector matching its labels in
    /// its namespace, or an endpoint at one of its IPs), sorted by host name, with this view's rules.
    func ownServices(of proxy: ProxyIdentity, index: MeshIndex) -> [Entry] {
        index.ownServices(of: proxy).map { Self.entry($0, rules: rules, index: index, proxy: proxy) }
    }

    private static func entry(_ service: MeshService, rules: ProxyRules, index: MeshIndex, proxy: ProxyIdentity) -> Entry {
        var entry = Entry(
            service: service, annotations: index.snapshot[service.source]?.annotations ?? [:],
            destinationRule: rules.destinationRule(for: service),
            virtualServices: rules.virtualServices(for: service.hostname),
            namespaceMutualTLS: index.namespaceMutualTLS(namespace: service.namespace),
            peerAuthentications: index.peerAuthenticationKeys(namespaces: [service.namespace, index.options.rootNamespace])
        )
        if service.ports.contains(where: { $0.protocol == .redis }) {
            entry.redisServices = index.redisServices(for: service.hostname, namespace: service.namespace)
            entry.redisDestination = index.redisDestination(for: service.hostname, namespace: service.namespace)
        }
        if service.ports.contains(where: \.protocol.isMetaProtocol) {
            entry.metaRouters = index.metaRouters(for: service.hostname, proxy: proxy)
        } else if service.ports.contains(where: { $0.protocol == .thrift }) {
            entry.metaRouters = index.metaRouters(for: service.hostname)
        }
        return entry
    }

    /// The plugin binding of `entry` for `port`.
    static func binding(_ entry: Entry, port: MeshServicePort) -> ServiceBinding {
        ServiceBinding(
            service: entry.service, port: port, annotations: entry.annotations, virtualServices: entry.virtualServices,
            trafficPolicy: entry.destinationRule?.trafficPolicy(port: port.number),
            redisServices: port.protocol == .redis ? entry.redisServices : [],
            redisDestination: port.protocol == .redis ? entry.redisDestination?.spec : nil,
            metaRouters: port.protocol == .thrift || port.protocol.isMetaProtocol ? entry.metaRouters : []
        )
    }
}
