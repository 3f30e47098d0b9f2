internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import SwiftProtobuf

/// Clusters for proxyless gRPC clients, as istiod's `grpcgen` CDS builds them (Istio 1.29) minus what
/// gRPC's xDS client would reject: EDS over ADS, `alt_stat_name` `<name>;`; a DestinationRule's
/// consistent hash as RING_HASH (MAGLEV is not supported by gRPC and is left out) and
/// `http2MaxRequests` as the only circuit breaker. Other policy settings (LEAST_REQUEST, TLS,
/// outlier detection, timeouts) are not sent and are reported.
enum ProxylessClusterBuilder {
    /// gRPC's largest accepted `maximum_ring_size` / `minimum_ring_size`.
    static let maxRingSize: UInt64 = 8_388_608

    /// The cluster `name` under `policy` (resolved for its port and subset; nil: none) of the
    /// DestinationRule `rule`, which diagnostics name.
    static func cluster(
        name: String, policy: Istio_Networking_V1alpha3_TrafficPolicy?, of rule: ConfigKey?, diagnostics: inout [Diagnostic]
    ) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = name
        cluster.altStatName = name + ";"
        cluster.type = .eds
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        cluster.edsClusterConfig.serviceName = name
        cluster.edsClusterConfig.edsConfig = source
        guard let policy else { return cluster }
        switch policy.loadBalancer.lbPolicy {
        case .consistentHash(let hash)?:
            if case .maglev? = hash.hashAlgorithm {
                diagnostics.append(Diagnostic(.unsupportedFeature, config: rule, "\(name): MAGLEV is not supported by proxyless gRPC; round robin is used"))
            } else {
                cluster.lbPolicy = .ringHash
                var size = hash.minimumRingSize
                if case .ringHash(let ring)? = hash.hashAlgorithm, ring.minimumRingSize != 0 { size = ring.minimumRingSize }
                if size != 0 { cluster.ringHashLbConfig.minimumRingSize = Google_Protobuf_UInt64Value(min(size, maxRingSize)) }
            }
        case .simple(let simple)? where simple != .roundRobin && simple != .unspecified:
            diagnostics.append(Diagnostic(.unsupportedFeature, config: rule, "\(name): load balancer \(simple) is not sent to proxyless gRPC; round robin is used"))
        default:
            break
        }
        if policy.connectionPool.http.http2MaxRequests > 0 {
            var thresholds = Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds()
            thresholds.maxRequests = Google_Protobuf_UInt32Value(UInt32(policy.connectionPool.http.http2MaxRequests))
            cluster.circuitBreakers.thresholds = [thresholds]
        }
        if policy.hasTls || policy.hasOutlierDetection {
            diagnostics.append(Diagnostic(.unsupportedFeature, config: rule, "\(name): tls and outlierDetection are not supported for proxyless gRPC yet; ignored"))
        }
        return cluster
    }
}
