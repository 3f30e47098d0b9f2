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

    /// The proxy.
    public let proxy: ProxyIdentity
    /// The visible services, sorted by host name.
    public let entries: [Entry]
    /// The proxy's own services (workload selector matching its labels in its namespace, or an
    /// endpoint at one of its IPs), sorted by host name.
    public let ownServices: [Entry]
    /// `ALLOW_ANY` or `REGISTRY_ONLY` for this proxy.
    public let outboundTrafficPolicy: GeneratorOptions.OutboundTrafficPolicy

    /// Gathers the view of `proxy` from `index`.
    public init(index: MeshIndex, proxy: ProxyIdentity, options: GeneratorOptions) {
        self.proxy = proxy
        let rules = ScopedRules(index: index, proxy: proxy)
        func entry(_ service: MeshService) -> Entry {
            Entry(
                service: service, annotations: index.snapshot[service.source]?.annotations ?? [:],
                destinationRule: rules.destinationRule(for: service),
                virtualServices: rules.virtualServices(for: service.hostname)
            )
        }
        self.entries = index.services(visibleTo: proxy).map(entry)
        let ips = Set(proxy.ipAddresses)
        self.ownServices = index.services.filter { service in
            if let selector = service.workloadSelector, service.namespace == proxy.namespace,
                !selector.isEmpty, selector.allSatisfy({ proxy.labels[$0.key] == $0.value })
            {
                return true
            }
            guard let port = service.ports.first else { return false }
            return index.endpoints(of: service, port: port.number).contains { ips.contains($0.address) }
        }.map(entry)
        var policy = options.outboundTrafficPolicy
        if let sidecar = index.sidecar(for: proxy)?.spec, sidecar.hasOutboundTrafficPolicy {
            policy = sidecar.outboundTrafficPolicy.mode == .registryOnly ? .registryOnly : .allowAny
        }
        self.outboundTrafficPolicy = policy
    }

    /// The plugin binding of `entry` for `port`.
    static func binding(_ entry: Entry, port: MeshServicePort) -> ServiceBinding {
        ServiceBinding(
            service: entry.service, port: port, annotations: entry.annotations, virtualServices: entry.virtualServices,
            trafficPolicy: entry.destinationRule?.trafficPolicy(port: port.number)
        )
    }
}
