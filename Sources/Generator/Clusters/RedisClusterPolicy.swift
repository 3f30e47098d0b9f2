internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import SwiftProtobuf

/// The cluster side of a Redis port: consistent hashing for `redis_proxy`'s key sharding, and the
/// RedisDestination's cluster mode, upstream auth and connection pool.
enum RedisClusterPolicy {
    /// The custom cluster type of Redis Cluster (sharding by the servers' own slot map).
    static let clusterTypeName = "envoy.clusters.redis"

    /// Applies the Redis settings to a cluster of a `tcp-redis` port (`port` is the service port,
    /// used for the seed address when the destination names no discovery endpoints).
    ///
    /// - Without cluster mode the cluster keeps its type and gets MAGLEV load balancing unless a
    ///   DestinationRule chose a consistent hash: `redis_proxy` hashes each key to pick a host, and
    ///   any other policy would ignore that hash and scatter one key over every server.
    /// - `mode: CLUSTER` makes it an `envoy.clusters.redis` cluster with `CLUSTER_PROVIDED` load
    ///   balancing, the slot-map discovery settings, and a static seed list (`discoveryEndpoints`,
    ///   `host:port` with the service port as default, else `<host>:<port>`).
    /// - `auth` goes in the cluster's `envoy.filters.network.redis_proxy` protocol options.
    /// - `tcp` is Istio's TCP pool (max connections, connect timeout, keepalive), applied as a
    ///   DestinationRule's would be.
    static func apply(
        _ destination: (key: ConfigKey, spec: Redis_Aeraki_Io_V1alpha1_RedisDestination)?, to cluster: inout Envoy_Config_Cluster_V3_Cluster,
        host: String, port: UInt32, subset: String, diagnostics: inout [Diagnostic]
    ) {
        let pool = destination?.spec.trafficPolicy.connectionPool
        let clusterMode = pool?.redis.mode == .cluster
        if clusterMode, subset.isEmpty {
            useRedisCluster(&cluster, seeds: pool?.redis.discoveryEndpoints ?? [], from: destination?.key, host: host, port: port, diagnostics: &diagnostics)
        } else {
            if clusterMode {
                diagnostics.append(Diagnostic(
                    .unsupportedFeature, config: destination?.key, "\(cluster.name): subsets cannot use Redis cluster mode; the subset keeps plain sharding"
                ))
            }
            if cluster.lbPolicy != .ringHash, cluster.lbPolicy != .maglev, cluster.lbPolicy != .clusterProvided { cluster.lbPolicy = .maglev }
        }
        guard let pool else { return }
        if pool.hasRedis, pool.redis.hasAuth, let credentials = RedisAuth.credentials(pool.redis.auth) {
            var options = Envoy_Extensions_Filters_Network_RedisProxy_V3_RedisProtocolOptions()
            options.authPassword = credentials.password
            if let username = credentials.username { options.authUsername = username }
            if let packed = try? Google_Protobuf_Any(message: options) {
                cluster.typedExtensionProtocolOptions[RedisPlugin.filterName] = packed
            }
        }
        if pool.hasTcp {
            var istioPool = Istio_Networking_V1alpha3_ConnectionPoolSettings()
            istioPool.tcp = pool.tcp
            ClusterTrafficPolicy.connectionPool(istioPool, &cluster)
        }
    }

    private static func useRedisCluster(
        _ cluster: inout Envoy_Config_Cluster_V3_Cluster, seeds: [String], from destination: ConfigKey?, host: String, port: UInt32,
        diagnostics: inout [Diagnostic]
    ) {
        var config = Envoy_Extensions_Clusters_Redis_V3_RedisClusterConfig()
        config.clusterRefreshRate = Proto.duration(seconds: 5)
        config.clusterRefreshTimeout = Proto.duration(seconds: 3)
        config.redirectRefreshInterval = Proto.duration(seconds: 5)
        config.redirectRefreshThreshold = Google_Protobuf_UInt32Value(5)
        var type = Envoy_Config_Cluster_V3_Cluster.CustomClusterType()
        type.name = clusterTypeName
        guard let packed = try? Google_Protobuf_Any(message: config) else { return }
        type.typedConfig = packed
        cluster.clusterType = type
        cluster.lbPolicy = .clusterProvided
        cluster.clearEdsClusterConfig()
        var seedsGroup = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        for seed in seeds.isEmpty ? ["\(host):\(port)"] : seeds {
            guard let (address, seedPort) = split(seed, defaultPort: port) else {
                diagnostics.append(Diagnostic(.invalidValue, config: destination, "\(cluster.name): discovery endpoint \"\(seed)\" is not host[:port]; skipped"))
                continue
            }
            var endpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
            endpoint.endpoint.address = Proto.address(address, port: seedPort)
            seedsGroup.lbEndpoints.append(endpoint)
        }
        var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        assignment.clusterName = cluster.name
        assignment.endpoints = [seedsGroup]
        cluster.loadAssignment = assignment
    }

    /// `host:port` (or `host`, or `[v6]:port`) split into address and port.
    static func split(_ seed: String, defaultPort: UInt32) -> (String, UInt32)? {
        var text = Substring(seed)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let address = String(text[text.index(after: text.startIndex)..<close])
            text = text[text.index(after: close)...]
            if text.isEmpty { return (address, defaultPort) }
            guard text.hasPrefix(":"), let port = UInt32(text.dropFirst()), (1...65535).contains(port) else { return nil }
            return (address, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !parts[0].isEmpty: return (String(parts[0]), defaultPort)
        case 2 where !parts[0].isEmpty:
            guard let port = UInt32(parts[1]), (1...65535).contains(port) else { return nil }
            return (String(parts[0]), port)
        default: return nil
        }
    }
}
