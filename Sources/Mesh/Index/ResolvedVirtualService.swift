package import MeshAPI

/// A VirtualService with short names expanded: hosts and destination hosts become
/// `name.namespace.svc.<suffix>`, gateways `namespace/name`, as istiod does before using them.
package struct ResolvedVirtualService: Sendable {
    /// The VirtualService.
    package var key: ConfigKey
    /// The hosts, resolved.
    package var hosts: [String]
    /// The gateways, resolved (`mesh` when none were given).
    package var gateways: [String]
    /// The spec with every destination host resolved.
    package var spec: Istio_Networking_V1alpha3_VirtualService

    init?(_ resource: MeshResource, domainSuffix: String) {
        guard case .virtualService(var spec) = resource.spec else { return nil }
        let ns = resource.key.namespace
        func resolve(_ host: String) -> String { HostName.resolve(host, namespace: ns, domainSuffix: domainSuffix) }
        spec.hosts = spec.hosts.map(resolve)
        for i in spec.http.indices {
            for j in spec.http[i].route.indices { spec.http[i].route[j].destination.host = resolve(spec.http[i].route[j].destination.host) }
            if spec.http[i].hasMirror { spec.http[i].mirror.host = resolve(spec.http[i].mirror.host) }
            for j in spec.http[i].mirrors.indices {
                spec.http[i].mirrors[j].destination.host = resolve(spec.http[i].mirrors[j].destination.host)
            }
        }
        for i in spec.tcp.indices {
            for j in spec.tcp[i].route.indices { spec.tcp[i].route[j].destination.host = resolve(spec.tcp[i].route[j].destination.host) }
        }
        for i in spec.tls.indices {
            for j in spec.tls[i].route.indices { spec.tls[i].route[j].destination.host = resolve(spec.tls[i].route[j].destination.host) }
        }
        spec.gateways = spec.gateways.map { $0 == "mesh" || $0.contains("/") ? $0 : "\(ns)/\($0)" }
        self.key = resource.key
        self.hosts = spec.hosts
        self.gateways = spec.gateways.isEmpty ? ["mesh"] : spec.gateways
        self.spec = spec
    }

    /// Whether the VirtualService applies to sidecars (no gateways, or `mesh` among them).
    package var appliesToSidecars: Bool { gateways.contains("mesh") }
}

extension MeshIndex {
    /// The VirtualServices for `hostname` that apply to sidecar `proxy` (see ``ProxyRules``; for
    /// tools and tests: generation computes the rules once per scope).
    package func virtualServices(for hostname: String, proxy: ProxyIdentity) -> [ResolvedVirtualService] {
        ProxyRules(index: self, proxy: proxy).virtualServices(for: hostname)
    }

    /// The DestinationRule for `hostname` as `proxy` sees it (see ``ProxyRules``; for tools and
    /// tests: generation computes the rules once per scope).
    package func destinationRule(for hostname: String, proxy: ProxyIdentity) -> EffectiveDestinationRule? {
        guard let service = services(visibleTo: proxy).first(where: { $0.hostname.lowercased() == hostname.lowercased() })
            ?? services(hostname: hostname).first
        else { return nil }
        return ProxyRules(index: self, proxy: proxy).destinationRule(for: service)
    }

    /// Every VirtualService, resolved, in creation order.
    package var virtualServices: [ResolvedVirtualService] { virtualServiceList }
}
