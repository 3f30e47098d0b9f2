public import Mesh
internal import MeshAPI
internal import Protocols

/// What one proxy sees of the mesh, gathered once per build: its visible services with their
/// DestinationRule, VirtualServices and annotations, and its own services (for inbound).
public struct ProxyView: Sendable {
    /// One visible service and the rules that apply to it for this proxy.
    public struct Entry: Sendable {
        /// The service.
        public var service: MeshService
        /// The ServiceEntry's annotations.
        public var annotations: [String: String]
        /// The DestinationRule for the host, if any.
        public var destinationRule: EffectiveDestinationRule?
        /// The VirtualServices for the host, in creation order.
        public var virtualServices: [ResolvedVirtualService]

        /// The subset names of the DestinationRule (empty without one).
        public var subsets: [String] { destinationRule?.subsets.map(\.name) ?? [] }
    }

    /// The proxy (for a shared scope: the first proxy of the scope, see ``ScopeKey``).
    public let proxy: ProxyIdentity
    /// The visible services, sorted by host name.
    public let entries: [Entry]
    /// The proxy's own services (workload selector matching its labels in its namespace, or an
    /// endpoint at one of its IPs), sorted by host name.
    public let ownServices: [Entry]
    /// `ALLOW_ANY` or `REGISTRY_ONLY` for this proxy.
    public let outboundTrafficPolicy: GeneratorOptions.OutboundTrafficPolicy
    private let rules: ProxyRules
    private let annotations: [ConfigKey: [String: String]]

    /// Gathers the view of `proxy` from `index`.
    public init(index: MeshIndex, proxy: ProxyIdentity, options: GeneratorOptions) {
        self.proxy = proxy
        let rules = ProxyRules(index: index, proxy: proxy)
        self.rules = rules
        var annotations: [ConfigKey: [String: String]] = [:]
        let visible = index.services(visibleTo: proxy)
        for service in visible where annotations[service.source] == nil {
            annotations[service.source] = index.snapshot[service.source]?.annotations ?? [:]
        }
        self.annotations = annotations
        self.entries = visible.map { Self.entry($0, rules: rules, annotations: annotations[$0.source] ?? [:]) }
        self.ownServices = index.ownServices(of: proxy).map {
            Self.entry($0, rules: rules, annotations: index.snapshot[$0.source]?.annotations ?? [:])
        }
        var policy = options.outboundTrafficPolicy
        if let sidecar = index.sidecar(for: proxy)?.spec, sidecar.hasOutboundTrafficPolicy {
            policy = sidecar.outboundTrafficPolicy.mode == .registryOnly ? .registryOnly : .allowAny
        }
        self.outboundTrafficPolicy = policy
    }

    /// The own services of another proxy of the same scope, with this view's rules.
    func ownServices(of other: ProxyIdentity, index: MeshIndex) -> [Entry] {
        index.ownServices(of: other).map {
            Self.entry($0, rules: rules, annotations: annotations[$0.source] ?? index.snapshot[$0.source]?.annotations ?? [:])
        }
    }

    private static func entry(_ service: MeshService, rules: ProxyRules, annotations: [String: String]) -> Entry {
        Entry(
            service: service, annotations: annotations,
            destinationRule: rules.destinationRule(for: service),
            virtualServices: rules.virtualServices(for: service.hostname)
        )
    }

    /// The plugin binding of `entry` for `port`.
    static func binding(_ entry: Entry, port: MeshServicePort) -> ServiceBinding {
        ServiceBinding(
            service: entry.service, port: port, annotations: entry.annotations, virtualServices: entry.virtualServices,
            trafficPolicy: entry.destinationRule?.trafficPolicy(port: port.number)
        )
    }
}
