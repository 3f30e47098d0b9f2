internal import Foundation
internal import MeshAPI

/// The DestinationRules and VirtualServices that apply to one proxy (in practice, to every proxy of
/// its scope), precomputed once and indexed by host, so each service's lookup is O(1) plus the
/// wildcard rules. The one implementation of Istio's rule selection: the proxy namespace's rules,
/// then the service namespace's exported ones, then the root namespace's; VirtualServices bound to
/// `mesh`, exported to the proxy's namespace and imported by its Sidecar.
package struct ProxyRules: Sendable {
    private struct Candidate: Sendable {
        var key: ConfigKey
        var host: String
        var rule: Istio_Networking_V1alpha3_DestinationRule
    }

    private struct NamespaceRules: Sendable {
        var exact: [String: [Candidate]] = [:]
        var wildcards: [Candidate] = []
    }

    private let proxyNamespace: String
    private let rootNamespace: String
    /// DestinationRules usable by the proxy, per namespace, in Istio's merge order.
    private var ownRules = NamespaceRules()
    private var exportedRules: [String: NamespaceRules] = [:]
    /// VirtualServices bound to sidecars and visible to the proxy: exact host → positions, wildcards.
    private let virtualServiceList: [ResolvedVirtualService]
    private var exactVirtualServices: [String: [Int]] = [:]
    private var wildcardVirtualServices: [(pattern: String, position: Int)] = []

    /// The rules that apply to `proxy` in `index`.
    package init(index: MeshIndex, proxy: ProxyIdentity) {
        proxyNamespace = proxy.namespace
        rootNamespace = index.options.rootNamespace
        let suffix = index.options.domainSuffix
        for resource in index.destinationRules {
            guard case .destinationRule(let rule) = resource.spec else { continue }
            let namespace = resource.key.namespace
            if rule.hasWorkloadSelector, !rule.workloadSelector.matchLabels.allSatisfy({ proxy.labels[$0.key] == $0.value }) { continue }
            let candidate = Candidate(key: resource.key, host: HostName.resolve(rule.host, namespace: namespace, domainSuffix: suffix).lowercased(), rule: rule)
            if namespace == proxy.namespace {
                Self.add(candidate, to: &ownRules)
            }
            if namespace != proxy.namespace, Visibility.isExported(rule.exportTo, from: namespace, to: proxy.namespace) {
                Self.add(candidate, to: &exportedRules[namespace, default: NamespaceRules()])
            }
        }

        let egress = index.egressHosts(for: proxy)
        virtualServiceList = index.virtualServices.filter { vs in
            vs.appliesToSidecars && Visibility.isExported(vs.spec.exportTo, from: vs.key.namespace, to: proxy.namespace)
        }
        for (position, vs) in virtualServiceList.enumerated() {
            for host in vs.hosts
            where Visibility.imports(egress, hostname: host, namespace: vs.key.namespace, proxyNamespace: proxy.namespace) {
                if host.hasPrefix("*") {
                    wildcardVirtualServices.append((host, position))
                } else {
                    exactVirtualServices[host.lowercased(), default: []].append(position)
                }
            }
        }
    }

    private static func add(_ candidate: Candidate, to rules: inout NamespaceRules) {
        if candidate.host.hasPrefix("*") { rules.wildcards.append(candidate) } else { rules.exact[candidate.host, default: []].append(candidate) }
    }

    /// The DestinationRule for `service`: the proxy namespace's rules, then the service namespace's
    /// exported rules, then the root namespace's; the most specific host wins and rules with that
    /// same host are merged.
    package func destinationRule(for service: MeshService) -> EffectiveDestinationRule? {
        let host = service.hostname.lowercased()
        var levels: [NamespaceRules] = [ownRules]
        if service.namespace != proxyNamespace, let rules = exportedRules[service.namespace] { levels.append(rules) }
        if rootNamespace != proxyNamespace, rootNamespace != service.namespace, let rules = exportedRules[rootNamespace] { levels.append(rules) }
        for rules in levels {
            var candidates = rules.exact[host] ?? []
            if candidates.isEmpty {
                let matching = rules.wildcards.filter { HostName.matches($0.host, host) }
                guard let longest = matching.map(\.host.count).max() else { continue }
                candidates = matching.filter { $0.host.count == longest }
                candidates = candidates.filter { $0.host == candidates[0].host }
            }
            guard !candidates.isEmpty else { continue }
            var merged = EffectiveDestinationRule(host: candidates[0].host, namespace: candidates[0].key.namespace, trafficPolicy: nil, subsets: [])
            for candidate in candidates {
                merged.sources.append(candidate.key)
                if merged.trafficPolicy == nil, candidate.rule.hasTrafficPolicy { merged.trafficPolicy = candidate.rule.trafficPolicy }
                for subset in candidate.rule.subsets where merged.subset(named: subset.name) == nil { merged.subsets.append(subset) }
            }
            return merged
        }
        return nil
    }

    /// The VirtualServices for `hostname`, in creation order.
    package func virtualServices(for hostname: String) -> [ResolvedVirtualService] {
        var positions = Set(exactVirtualServices[hostname.lowercased()] ?? [])
        for (pattern, position) in wildcardVirtualServices where HostName.matches(pattern, hostname) { positions.insert(position) }
        return positions.sorted().map { virtualServiceList[$0] }
    }
}
