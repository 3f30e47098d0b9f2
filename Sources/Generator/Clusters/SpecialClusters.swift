internal import EnvoyAPI
internal import Protocols

extension ClusterBuilder {
    /// `PassthroughCluster`, `BlackHoleCluster` and `InboundPassthroughCluster`, as istiod builds them.
    func special() -> [Envoy_Config_Cluster_V3_Cluster] {
        var passthrough = base(name: ClusterName.passthrough)
        passthrough.type = .originalDst
        passthrough.lbPolicy = .clusterProvided

        var blackHole = Envoy_Config_Cluster_V3_Cluster()
        blackHole.name = ClusterName.blackHole
        blackHole.type = .static
        blackHole.connectTimeout = Proto.duration(seconds: options.connectTimeoutSeconds)

        var inboundPassthrough = base(name: ClusterName.inboundPassthrough)
        inboundPassthrough.type = .originalDst
        inboundPassthrough.lbPolicy = .clusterProvided
        inboundPassthrough.upstreamBindConfig.sourceAddress = Self.inboundSource(port: 0)
        return [passthrough, blackHole, inboundPassthrough]
    }
}
