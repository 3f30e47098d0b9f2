package import MeshAPI
internal import Foundation

extension MeshIndex {
    /// The Sidecar that applies to `proxy`: one in its namespace selecting its labels, else its
    /// namespace's default, else the root namespace's default; nil means "import everything".
    package func sidecar(for proxy: ProxyIdentity) -> (key: ConfigKey, spec: Istio_Networking_V1alpha3_Sidecar)? {
        func pick(_ namespace: String, selected: Bool) -> (key: ConfigKey, spec: Istio_Networking_V1alpha3_Sidecar)? {
            for resource in sidecars where resource.key.namespace == namespace {
                guard case .sidecar(let sidecar) = resource.spec else { continue }
                if selected, sidecar.hasWorkloadSelector, Self.labels(proxy.labels, match: sidecar.workloadSelector.labels) {
                    return (resource.key, sidecar)
                }
                if !selected, !sidecar.hasWorkloadSelector { return (resource.key, sidecar) }
            }
            return nil
        }
        return pick(proxy.namespace, selected: true) ?? pick(proxy.namespace, selected: false)
            ?? pick(options.rootNamespace, selected: false)
    }

    /// The egress hosts that scope `proxy` (`*/*` when no Sidecar restricts it).
    package func egressHosts(for proxy: ProxyIdentity) -> [String] {
        guard let sidecar = sidecar(for: proxy)?.spec, !sidecar.egress.isEmpty else { return ["*/*"] }
        return sidecar.egress.flatMap(\.hosts)
    }

    /// Whether `service` is exported to `proxy`'s namespace and imported by its Sidecar.
    package func isVisible(_ service: MeshService, to proxy: ProxyIdentity) -> Bool {
        Visibility.isExported(service.exportTo, from: service.namespace, to: proxy.namespace)
            && Visibility.imports(egressHosts(for: proxy), hostname: service.hostname, namespace: service.namespace, proxyNamespace: proxy.namespace)
    }

    /// The services `proxy` sees: exported to its namespace, imported by its Sidecar, one per host name
    /// (preferring the proxy's namespace, then a Kubernetes Service over a ServiceEntry, then the oldest).
    package func services(visibleTo proxy: ProxyIdentity) -> [MeshService] {
        let egress = egressHosts(for: proxy)
        var byHost: [String: MeshService] = [:]
        for service in services
        where Visibility.isExported(service.exportTo, from: service.namespace, to: proxy.namespace)
            && Visibility.imports(egress, hostname: service.hostname, namespace: service.namespace, proxyNamespace: proxy.namespace)
        {
            let host = service.hostname.lowercased()
            if let current = byHost[host], !Self.prefer(service, over: current, proxyNamespace: proxy.namespace) { continue }
            byHost[host] = service
        }
        return byHost.values.sorted { $0.hostname < $1.hostname }
    }

    private static func prefer(_ a: MeshService, over b: MeshService, proxyNamespace: String) -> Bool {
        if (a.namespace == proxyNamespace) != (b.namespace == proxyNamespace) { return a.namespace == proxyNamespace }
        if a.isSynthetic != b.isSynthetic { return a.isSynthetic }
        let ta = a.creationTime ?? .distantPast
        let tb = b.creationTime ?? .distantPast
        if ta != tb { return ta < tb }
        return (a.namespace, a.source.name) < (b.namespace, b.source.name)
    }
}
