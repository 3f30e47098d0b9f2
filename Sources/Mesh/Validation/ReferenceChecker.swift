internal import MeshAPI

/// Checks that span resources: every subset a VirtualService or MetaRouter routes to must be defined
/// by a DestinationRule for that host (Istio's analyzer IST0101; at runtime such routes fail with
/// "no healthy upstream").
struct ReferenceChecker {
    let domainSuffix: String

    /// Problems of `resource` against `candidates` (the set that would be in effect).
    func problems(of resource: MeshResource, subsetsByHost: [String: Set<String>]) -> [ValidationError] {
        var found: [ValidationError] = []
        func check(host: String, subset: String, field: String) {
            guard !subset.isEmpty, !host.isEmpty else { return }
            let fqdn = HostName.resolve(host, namespace: resource.key.namespace, domainSuffix: domainSuffix)
            guard subsetsByHost[fqdn]?.contains(subset) != true else { return }
            let reason = subsetsByHost[fqdn] == nil
                ? "subset \"\(subset)\" is referenced but no DestinationRule exists for host \(fqdn)"
                : "subset \"\(subset)\" is not defined by any DestinationRule for host \(fqdn)"
            found.append(ValidationError(source: resource.source, key: resource.key, field: field, reason: reason))
        }
        switch resource.spec {
        case .virtualService(let vs):
            for (r, route) in vs.http.enumerated() {
                for (d, dest) in route.route.enumerated() {
                    check(host: dest.destination.host, subset: dest.destination.subset, field: "spec.http[\(r)].route[\(d)].destination.subset")
                }
            }
            for (r, route) in vs.tcp.enumerated() {
                for (d, dest) in route.route.enumerated() {
                    check(host: dest.destination.host, subset: dest.destination.subset, field: "spec.tcp[\(r)].route[\(d)].destination.subset")
                }
            }
            for (r, route) in vs.tls.enumerated() {
                for (d, dest) in route.route.enumerated() {
                    check(host: dest.destination.host, subset: dest.destination.subset, field: "spec.tls[\(r)].route[\(d)].destination.subset")
                }
            }
        case .metaRouter(let router):
            for (r, route) in router.routes.enumerated() {
                for (d, dest) in route.route.enumerated() {
                    check(host: dest.destination.host, subset: dest.destination.subset, field: "spec.routes[\(r)].route[\(d)].destination.subset")
                }
                if route.hasMirror {
                    check(host: route.mirror.host, subset: route.mirror.subset, field: "spec.routes[\(r)].mirror.subset")
                }
            }
        default: break
        }
        return found
    }

    /// Subset names per resolved DestinationRule host.
    func subsetsByHost(_ resources: some Sequence<MeshResource>) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for resource in resources {
            guard case .destinationRule(let dr) = resource.spec else { continue }
            let host = HostName.resolve(dr.host, namespace: resource.key.namespace, domainSuffix: domainSuffix)
            result[host, default: []].formUnion(dr.subsets.map(\.name))
        }
        return result
    }
}
