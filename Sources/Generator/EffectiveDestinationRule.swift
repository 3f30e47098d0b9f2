public import MeshAPI

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

    /// The subset named `name`.
    public func subset(named name: String) -> Istio_Networking_V1alpha3_Subset? {
        subsets.first { $0.name == name }
    }

    /// The effective policy for service port `port` and `subset` (empty for none): port-level
    /// settings replace the top-level load balancer, pool, outlier detection and TLS; a subset's
    /// policy then overrides each of those it sets (all four when it has settings for this port).
    public func trafficPolicy(port: UInt32, subset: String = "") -> Istio_Networking_V1alpha3_TrafficPolicy? {
        let base = trafficPolicy.map { Self.applyPortLevel($0, port: port) }
        guard !subset.isEmpty, let subsetPolicy = self.subset(named: subset), subsetPolicy.hasTrafficPolicy else { return base }
        let own = subsetPolicy.trafficPolicy
        let hasPortLevel = own.portLevelSettings.contains { $0.port.number == port }
        let specific = Self.applyPortLevel(own, port: port)
        var merged = base ?? Istio_Networking_V1alpha3_TrafficPolicy()
        if specific.hasConnectionPool { merged.connectionPool = specific.connectionPool } else if hasPortLevel { merged.clearConnectionPool() }
        if specific.hasOutlierDetection { merged.outlierDetection = specific.outlierDetection } else if hasPortLevel { merged.clearOutlierDetection() }
        if specific.hasLoadBalancer { merged.loadBalancer = specific.loadBalancer } else if hasPortLevel { merged.clearLoadBalancer() }
        if specific.hasTls { merged.tls = specific.tls } else if hasPortLevel { merged.clearTls() }
        if specific.hasTunnel { merged.tunnel = specific.tunnel }
        if specific.hasProxyProtocol { merged.proxyProtocol = specific.proxyProtocol }
        return merged
    }

    static func applyPortLevel(_ policy: Istio_Networking_V1alpha3_TrafficPolicy, port: UInt32) -> Istio_Networking_V1alpha3_TrafficPolicy {
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
