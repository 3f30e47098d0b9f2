public import Generator
public import Mesh
public import Protocols
import Synchronization
public import XDSCache

/// The real generator behind `aeraki serve`: the protocol plugins registered here, at the
/// composition root, and `ProxySnapshotBuilder` turning a proxy's view of the mesh into its snapshot.
///
/// Proxies with the same view share one build per index: what a snapshot depends on is the
/// proxy's type, namespace, DNS domain, labels, the generation-relevant metadata, whether it has an
/// IPv6 address, and its IPs only when one of them is a service endpoint (then it has inbound
/// config of its own). Replicas of one workload therefore cost one build, not one each.
public struct MeshSnapshotGenerator: SnapshotGenerating {
    /// Node metadata keys that can shape generated config (istiod's list, spec/istio.md §4.1).
    public static let relevantMetadata: Set<String> = [
        "INTERCEPTION_MODE", "CLUSTER_ID", "NETWORK", "ISTIO_VERSION", "IDLE_TIMEOUT", "POD_PORTS", "DNS_CAPTURE",
        "HTTP10", "INBOUND_LISTENER_EXACT_BALANCE", "OUTBOUND_LISTENER_EXACT_BALANCE", "MESH_ID",
    ]

    /// The builder.
    public let builder: ProxySnapshotBuilder

    /// A generator with `registry`'s plugins (Dubbo, Thrift, and `tcp_proxy` for the rest by default).
    public init(registry: PluginRegistry = .standard, options: GeneratorOptions = .defaults) {
        builder = ProxySnapshotBuilder(registry: registry, options: options)
    }

    /// Builds `proxy`'s listeners, clusters, endpoints and routes from `index`.
    public func snapshot(for proxy: ProxyIdentity, index: MeshIndex) throws -> Snapshot {
        try builder.build(index: index, proxy: proxy).snapshot()
    }

    /// One build per distinct view, in parallel; each proxy gets its view's snapshot.
    public func snapshots(for proxies: [ProxyIdentity], index: MeshIndex) -> [Result<Snapshot, any Error>] {
        let endpointAddresses = Self.endpointAddresses(index)
        let keys = proxies.map { ViewKey($0, endpointAddresses: endpointAddresses) }
        var representatives: [ViewKey: Int] = [:]
        var unique: [ProxyIdentity] = []
        for (i, key) in keys.enumerated() where representatives[key] == nil {
            representatives[key] = unique.count
            unique.append(proxies[i])
        }
        let one = { (proxy: ProxyIdentity) in Result { try self.snapshot(for: proxy, index: index) } }
        let workers = min(ParallelMap.workers, unique.count)
        let built = workers > 1 ? ParallelMap.map(unique, workers: workers, one) : unique.map(one)
        return keys.map { built[representatives[$0]!] }
    }

    /// Every address that is an endpoint of some service (first port, as the generator looks).
    static func endpointAddresses(_ index: MeshIndex) -> Set<String> {
        var addresses = Set<String>()
        for service in index.services {
            guard let port = service.ports.first else { continue }
            for endpoint in index.endpoints(of: service, port: port.number) { addresses.insert(endpoint.address) }
        }
        return addresses
    }

    /// What a proxy's snapshot depends on.
    struct ViewKey: Hashable {
        var type: ProxyIdentity.ProxyType
        var namespace: String
        var dnsDomain: String
        var labels: [String: String]
        var metadata: [String: String]
        var hasIPv6: Bool
        var ownIPs: [String]?

        init(_ proxy: ProxyIdentity, endpointAddresses: Set<String>) {
            type = proxy.type
            namespace = proxy.namespace
            dnsDomain = proxy.dnsDomain
            labels = proxy.labels
            metadata = proxy.metadata.filter { MeshSnapshotGenerator.relevantMetadata.contains($0.key) }
            hasIPv6 = proxy.ipAddresses.contains { $0.contains(":") }
            ownIPs = proxy.ipAddresses.contains(where: endpointAddresses.contains) ? proxy.ipAddresses : nil
        }
    }
}
