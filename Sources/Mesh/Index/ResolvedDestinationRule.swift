public import MeshAPI

/// The DestinationRule that applies to one host for one proxy, after merging the rules of the chosen
/// namespace as Istio does (subsets concatenated, first traffic policy wins).
public struct ResolvedDestinationRule: Sendable {
    /// The rule's host, resolved to an FQDN (may be a wildcard).
    public var host: String
    /// The namespace the rules come from.
    public var namespace: String
    /// The merged rules, in merge order.
    public var sources: [ConfigKey]
    /// The top-level traffic policy, if any.
    public var trafficPolicy: Istio_Networking_V1alpha3_TrafficPolicy?
    /// Every subset (a duplicate name keeps the first).
    public var subsets: [Istio_Networking_V1alpha3_Subset]

    /// The subset named `name`.
    public func subset(named name: String) -> Istio_Networking_V1alpha3_Subset? {
        subsets.first { $0.name == name }
    }

    /// The effective policy for service port `port` and `subset` (empty for none); see
    /// `TrafficPolicyMerge`.
    public func trafficPolicy(port: UInt32, subset: String = "") -> Istio_Networking_V1alpha3_TrafficPolicy? {
        TrafficPolicyMerge.effective(top: trafficPolicy, subsets: subsets, port: port, subset: subset)
    }
}

extension MeshIndex {
    /// The DestinationRule for `hostname` as seen by `proxy`: the proxy namespace's own rules first,
    /// then rules in the service's namespace exported to it, then the root namespace's.
    public func destinationRule(for hostname: String, proxy: ProxyIdentity) -> ResolvedDestinationRule? {
        let serviceNamespace = services(visibleTo: proxy).first { $0.hostname.lowercased() == hostname.lowercased() }?.namespace
            ?? services(hostname: hostname).first?.namespace
        return destinationRule(for: hostname, namespace: proxy.namespace, labels: proxy.labels, serviceNamespace: serviceNamespace)
    }

    func destinationRule(for hostname: String, namespace: String, labels: [String: String], serviceNamespace: String?) -> ResolvedDestinationRule? {
        var levels = [namespace]
        if let serviceNamespace, serviceNamespace != namespace { levels.append(serviceNamespace) }
        if !levels.contains(options.rootNamespace) { levels.append(options.rootNamespace) }
        for (level, ruleNamespace) in levels.enumerated() {
            var candidates: [(host: String, resource: MeshResource, rule: Istio_Networking_V1alpha3_DestinationRule)] = []
            for resource in destinationRules where resource.key.namespace == ruleNamespace {
                guard case .destinationRule(let rule) = resource.spec else { continue }
                if level > 0, !Visibility.isExported(rule.exportTo, from: ruleNamespace, to: namespace) { continue }
                if rule.hasWorkloadSelector, !Self.labels(labels, match: rule.workloadSelector.matchLabels) { continue }
                let host = HostName.resolve(rule.host, namespace: ruleNamespace, domainSuffix: options.domainSuffix)
                guard HostName.matches(host, hostname) else { continue }
                candidates.append((host, resource, rule))
            }
            guard let best = candidates.map({ HostName.specificity($0.host) }).max() else { continue }
            let chosen = candidates.filter { HostName.specificity($0.host) == best }
            let host = chosen[0].host
            var resolved = ResolvedDestinationRule(host: host, namespace: ruleNamespace, sources: [], trafficPolicy: nil, subsets: [])
            for candidate in chosen where candidate.host == host {
                resolved.sources.append(candidate.resource.key)
                if resolved.trafficPolicy == nil, candidate.rule.hasTrafficPolicy { resolved.trafficPolicy = candidate.rule.trafficPolicy }
                for subset in candidate.rule.subsets where resolved.subset(named: subset.name) == nil {
                    resolved.subsets.append(subset)
                }
            }
            return resolved
        }
        return nil
    }
}
