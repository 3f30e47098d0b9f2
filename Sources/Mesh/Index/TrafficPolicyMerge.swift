package import MeshAPI

/// How Istio combines a DestinationRule's traffic policies for one service port and subset:
/// port-level settings replace the top-level load balancer, pool, outlier detection and TLS; a
/// subset's policy then overrides each of those it sets (all four when it has settings for this port).
package enum TrafficPolicyMerge {
    /// The effective policy for service port `port` and `subset` (empty for none), given a rule's
    /// top-level policy and its subsets.
    package static func effective(
        top: Istio_Networking_V1alpha3_TrafficPolicy?,
        subsets: [Istio_Networking_V1alpha3_Subset],
        port: UInt32,
        subset: String
    ) -> Istio_Networking_V1alpha3_TrafficPolicy? {
        let base = top.map { applyPortLevel($0, port: port) }
        guard !subset.isEmpty, let subsetPolicy = subsets.first(where: { $0.name == subset }), subsetPolicy.hasTrafficPolicy
        else { return base }
        let own = subsetPolicy.trafficPolicy
        let hasPortLevel = own.portLevelSettings.contains { $0.port.number == port }
        let specific = applyPortLevel(own, port: port)
        var merged = base ?? Istio_Networking_V1alpha3_TrafficPolicy()
        if specific.hasConnectionPool { merged.connectionPool = specific.connectionPool } else if hasPortLevel { merged.clearConnectionPool() }
        if specific.hasOutlierDetection { merged.outlierDetection = specific.outlierDetection } else if hasPortLevel { merged.clearOutlierDetection() }
        if specific.hasLoadBalancer { merged.loadBalancer = specific.loadBalancer } else if hasPortLevel { merged.clearLoadBalancer() }
        if specific.hasTls { merged.tls = specific.tls } else if hasPortLevel { merged.clearTls() }
        if specific.hasTunnel { merged.tunnel = specific.tunnel }
        if specific.hasProxyProtocol { merged.proxyProtocol = specific.proxyProtocol }
        return merged
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
