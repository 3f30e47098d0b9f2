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

    /// The effective policy for service port `port` and `subset` (empty for none): port-level
    /// settings replace the top-level load balancer, pool, outlier detection and TLS; a subset's
    /// policy then overrides each of those it sets (all four when it has settings for this port).
    public func trafficPolicy(port: UInt32, subset: String = "") -> Istio_Networking_V1alpha3_TrafficPolicy? {
        var base = trafficPolicy.map { Self.applyPortLevel($0, port: port) }
        guard !subset.isEmpty, let subsetPolicy = self.subset(named: subset), subsetPolicy.hasTrafficPolicy else { return base }
        let own = subsetPolicy.trafficPolicy
        let hasPortLevel = own.portLevelSettings.contains { $0.port.number == port }
        let specific = Self.applyPortLevel(own, port: port)
        var merged = base ?? Istio_Networking_V1alpha3_TrafficPolicy()
        if specific.hasConnectionPool || hasPortLevel { merged.connectionPool = specific.connectionPool }
        if !specific.hasConnectionPool, hasPortLevel { merged.clearConnectionPool() }
        if specific.hasOutlierDetection || hasPortLevel { merged.outlierDetection = specific.outlierDetection }
        if !specific.hasOutlierDetection, hasPortLevel { merged.clearOutlierDetection() }
        if specific.hasLoadBalancer || hasPortLevel { merged.loadBalancer = specific.loadBalancer }
        if !specific.hasLoadBalancer, hasPortLevel { merged.clearLoadBalancer() }
        if specific.hasTls || hasPortLevel { merged.tls = specific.tls }
        if !specific.hasTls, hasPortLevel { merged.clearTls() }
        if specific.hasTunnel { merged.tunnel = specific.tunnel }
        if specific.hasProxyProtocol { merged.proxyProtocol = specific.proxyProtocol }
        base = merged
        return base
    }

    private static func applyPortLevel(_ policy: Istio_Networking_V1alpha3_TrafficPolicy, port: UInt32) -> Istio_Networking_V1alpha3_TrafficPolicy {
        var result = policy
        result.portLevelSettings = []
        guard let setting = policy.portLevelSettings.first(where: { $0.port.number == port }) else { return result }
        if setting.hasLoadBalancer { result.loadBalancer = setting.loadBalancer } else { result.clearLoadBalancer() }
        if setting.hasConnectionPool { result.connectionPool = setting.connectionPool } else { result.clearConnectionPool() }
        if setting.hasOutlierDetection { result.outlierDetection = setting.outlierDetection } else { result.clearOutlierDetection() }
        if setting.hasTls { result.tls = setting.tls } else { result.clearTls() }
        return result
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
