internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import SwiftProtobuf

/// Applies a DestinationRule traffic policy (already resolved for one port and subset) to a cluster,
/// as istiod's `cluster_traffic_policy.go` does.
enum ClusterTrafficPolicy {
    /// Applies `policy`, from the DestinationRule `rule`, which diagnostics name.
    static func apply(
        _ policy: Istio_Networking_V1alpha3_TrafficPolicy, of rule: ConfigKey?, to cluster: inout Envoy_Config_Cluster_V3_Cluster, sni: String,
        subjectAltNames: [String], diagnostics: inout [Diagnostic]
    ) {
        if policy.hasLoadBalancer { loadBalancer(policy.loadBalancer, &cluster) }
        if policy.hasConnectionPool { connectionPool(policy.connectionPool, &cluster) }
        if policy.hasOutlierDetection { outlierDetection(policy.outlierDetection, &cluster) }
        if policy.hasTls {
            if let socket = UpstreamTLS.transportSocket(policy.tls, defaultSNI: sni, subjectAltNames: subjectAltNames) {
                cluster.transportSocket = socket
            }
        }
        if policy.hasTunnel || policy.hasProxyProtocol {
            diagnostics.append(Diagnostic(.unsupportedFeature, config: rule, "\(cluster.name): tunnel and proxyProtocol settings are not supported yet"))
        }
    }

    /// `simple` → LEAST_REQUEST (also for LEAST_CONN and UNSPECIFIED), RANDOM, ROUND_ROBIN, or an
    /// original-destination cluster for PASSTHROUGH; `consistentHash` → RING_HASH or MAGLEV.
    static func loadBalancer(_ settings: Istio_Networking_V1alpha3_LoadBalancerSettings, _ cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        switch settings.lbPolicy {
        case .simple(let simple)?:
            switch simple {
            case .random: cluster.lbPolicy = .random
            case .roundRobin: cluster.lbPolicy = .roundRobin
            case .passthrough:
                cluster.type = .originalDst
                cluster.lbPolicy = .clusterProvided
                cluster.clearEdsClusterConfig()
                cluster.clearLoadAssignment()
            default: cluster.lbPolicy = .leastRequest
            }
        case .consistentHash(let hash)?:
            guard cluster.type != .originalDst else { return }
            if case .maglev(let maglev)? = hash.hashAlgorithm {
                cluster.lbPolicy = .maglev
                var config = Envoy_Config_Cluster_V3_Cluster.MaglevLbConfig()
                if maglev.tableSize != 0 { config.tableSize = Google_Protobuf_UInt64Value(maglev.tableSize) }
                cluster.maglevLbConfig = config
            } else {
                cluster.lbPolicy = .ringHash
                var config = Envoy_Config_Cluster_V3_Cluster.RingHashLbConfig()
                var size = hash.minimumRingSize
                if case .ringHash(let ring)? = hash.hashAlgorithm, ring.minimumRingSize != 0 { size = ring.minimumRingSize }
                if size != 0 { config.minimumRingSize = Google_Protobuf_UInt64Value(size) }
                cluster.ringHashLbConfig = config
            }
        case nil:
            break
        }
    }

    /// TCP `maxConnections`, `connectTimeout`, `tcpKeepalive`; HTTP pending/request/retry limits.
    static func connectionPool(_ pool: Istio_Networking_V1alpha3_ConnectionPoolSettings, _ cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        var thresholds = cluster.circuitBreakers.thresholds.first ?? Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds()
        if pool.hasTcp {
            let tcp = pool.tcp
            if tcp.maxConnections > 0 { thresholds.maxConnections = Google_Protobuf_UInt32Value(UInt32(tcp.maxConnections)) }
            if tcp.hasConnectTimeout { cluster.connectTimeout = tcp.connectTimeout }
            if tcp.hasTcpKeepalive {
                var keepalive = Envoy_Config_Core_V3_TcpKeepalive()
                if tcp.tcpKeepalive.probes > 0 { keepalive.keepaliveProbes = Google_Protobuf_UInt32Value(tcp.tcpKeepalive.probes) }
                if tcp.tcpKeepalive.hasTime { keepalive.keepaliveTime = Google_Protobuf_UInt32Value(UInt32(clamping: tcp.tcpKeepalive.time.seconds)) }
                if tcp.tcpKeepalive.hasInterval { keepalive.keepaliveInterval = Google_Protobuf_UInt32Value(UInt32(clamping: tcp.tcpKeepalive.interval.seconds)) }
                cluster.upstreamConnectionOptions.tcpKeepalive = keepalive
            }
        }
        if pool.hasHTTP {
            let http = pool.http
            if http.http1MaxPendingRequests > 0 { thresholds.maxPendingRequests = Google_Protobuf_UInt32Value(UInt32(http.http1MaxPendingRequests)) }
            if http.http2MaxRequests > 0 { thresholds.maxRequests = Google_Protobuf_UInt32Value(UInt32(http.http2MaxRequests)) }
            if http.maxRetries > 0 { thresholds.maxRetries = Google_Protobuf_UInt32Value(UInt32(http.maxRetries)) }
        }
        cluster.circuitBreakers.thresholds = [thresholds]
    }

    /// 5xx and gateway errors (enforcing 100 % when set), interval, ejection time and percentage,
    /// local-origin splitting, success rate off, and `minHealthPercent` as the panic threshold.
    static func outlierDetection(_ od: Istio_Networking_V1alpha3_OutlierDetection, _ cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        var out = Envoy_Config_Cluster_V3_OutlierDetection()
        let fiveXX = od.hasConsecutive5XxErrors ? od.consecutive5XxErrors.value : UInt32(max(od.consecutiveErrors, 0))
        if od.hasConsecutive5XxErrors || od.consecutiveErrors > 0 {
            out.consecutive5Xx = Google_Protobuf_UInt32Value(fiveXX)
            out.enforcingConsecutive5Xx = Google_Protobuf_UInt32Value(fiveXX > 0 ? 100 : 0)
        }
        if od.hasConsecutiveGatewayErrors {
            out.consecutiveGatewayFailure = od.consecutiveGatewayErrors
            out.enforcingConsecutiveGatewayFailure = Google_Protobuf_UInt32Value(od.consecutiveGatewayErrors.value > 0 ? 100 : 0)
        }
        if od.hasInterval { out.interval = od.interval }
        if od.hasBaseEjectionTime { out.baseEjectionTime = od.baseEjectionTime }
        if od.maxEjectionPercent > 0 { out.maxEjectionPercent = Google_Protobuf_UInt32Value(UInt32(min(od.maxEjectionPercent, 100))) }
        if od.splitExternalLocalOriginErrors {
            out.splitExternalLocalOriginErrors = true
            if od.hasConsecutiveLocalOriginFailures {
                out.consecutiveLocalOriginFailure = od.consecutiveLocalOriginFailures
                out.enforcingConsecutiveLocalOriginFailure = Google_Protobuf_UInt32Value(100)
            }
        }
        out.enforcingSuccessRate = Google_Protobuf_UInt32Value(0)
        cluster.outlierDetection = out
        var panic = Envoy_Type_V3_Percent()
        panic.value = Double(min(max(od.minHealthPercent, 0), 100))
        cluster.commonLbConfig.healthyPanicThreshold = panic
    }
}
