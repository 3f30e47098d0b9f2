public import MeshAPI
public import Mesh

/// The DestinationRule that applies to one host for one proxy, after merging as Istio does (subsets
/// concatenated, a duplicate name keeps the first; the first traffic policy wins).
///
/// The same rules as Mesh's `ResolvedDestinationRule`, built by ``ScopedRules`` from a per-proxy
/// precomputation so a snapshot costs O(services), not O(services²).
public struct EffectiveDestinationRule: Sendable, Hashable {
    /// The top-level traffic policy, if any.
    public var trafficPolicy: Istio_Networking_V1alpha3_TrafficPolicy?
    /// Every subset.
    public var subsets: [Istio_Networking_V1alpha3_Subset]
    /// The DestinationRules merged into this one, in merge order: what clusters built from it depend on.
    public var sources: [ConfigKey] = []

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
