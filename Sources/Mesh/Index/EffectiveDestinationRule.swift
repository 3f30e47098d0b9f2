package import MeshAPI

/// The DestinationRule that applies to one host for one proxy, after merging as Istio does (subsets
/// concatenated, a duplicate name keeps the first; the first traffic policy wins); see ``ProxyRules``.
package struct EffectiveDestinationRule: Sendable, Hashable {
    /// The rules' host, resolved to an FQDN (may be a wildcard).
    package var host: String
    /// The namespace the rules come from.
    package var namespace: String
    /// The top-level traffic policy, if any.
    package var trafficPolicy: Istio_Networking_V1alpha3_TrafficPolicy?
    /// Every subset.
    package var subsets: [Istio_Networking_V1alpha3_Subset]
    /// The DestinationRules merged into this one, in merge order: what clusters built from it depend on.
    package var sources: [ConfigKey] = []

    /// The subset named `name`.
    package func subset(named name: String) -> Istio_Networking_V1alpha3_Subset? {
        subsets.first { $0.name == name }
    }

    /// The endpoints `subset` selects ("": all of them); nil for a subset the rule does not define.
    package func select(_ endpoints: [ServiceEndpoint], subset: String) -> [ServiceEndpoint]? {
        guard !subset.isEmpty else { return endpoints }
        guard let labels = self.subset(named: subset)?.labels else { return nil }
        return endpoints.filter { endpoint in labels.allSatisfy { endpoint.labels[$0.key] == $0.value } }
    }

    /// The effective policy for service port `port` and `subset` (empty for none); see
    /// `TrafficPolicyMerge`.
    package func trafficPolicy(port: UInt32, subset: String = "") -> Istio_Networking_V1alpha3_TrafficPolicy? {
        TrafficPolicyMerge.effective(top: trafficPolicy, subsets: subsets, port: port, subset: subset)
    }
}
