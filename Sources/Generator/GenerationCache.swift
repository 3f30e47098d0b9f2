internal import Mesh
internal import EnvoyAPI
internal import MeshAPI
internal import Protocols
internal import Synchronization
internal import XDSCache

/// Memoized per-service work of one proxy's builds: the clusters (and load assignments) of each
/// service port and each outbound listener, keyed by everything they are built from, together with
/// their prepared (serialized, versioned) resources.
///
/// Pass the same cache to successive ``ProxySnapshotBuilder/build(index:proxy:cache:)`` calls for one
/// proxy: after a VirtualService changes, only the listeners of its hosts are rebuilt and
/// re-serialized; clusters, endpoints and every other listener are reused. Each build keeps only the
/// entries it used, so the cache never outgrows one snapshot.
public final class GenerationCache: Sendable {
    struct BindingKey: Hashable {
        var service: MeshService
        var port: MeshServicePort
        var annotations: [String: String]
        var virtualServices: [VirtualServiceKey]
        var trafficPolicy: Istio_Networking_V1alpha3_TrafficPolicy?
    }

    struct VirtualServiceKey: Hashable {
        var key: ConfigKey
        var spec: Istio_Networking_V1alpha3_VirtualService
    }

    struct ClusterKey: Hashable {
        var service: MeshService
        var port: MeshServicePort
        var endpoints: [ServiceEndpoint]
        var rule: EffectiveDestinationRule?
        var ipv4Only: Bool
    }

    struct ListenerKey: Hashable {
        var name: String
        var prefixRanges: [String]
        var matchesAnyDestination: Bool
        var bindings: [BindingKey]
        var catalogVersion: String
        var fallthroughCluster: String
        var proxyNamespace: String
        var proxyLabels: [String: String]
    }

    struct ClusterEntry {
        var outputs: [ClusterBuilder.Output]
        var prepared: [PreparedResource]
        var diagnostics: [String]
    }

    struct ListenerEntry {
        var listener: Envoy_Config_Listener_V3_Listener
        var output: PluginOutput
        var prepared: PreparedResource
        var diagnostics: [String]
    }

    struct State {
        var clusters: [ClusterKey: ClusterEntry] = [:]
        var listeners: [ListenerKey: ListenerEntry] = [:]
        var hits = 0
        var misses = 0
    }

    let state = Mutex(State())

    /// An empty cache.
    public init() {}

    /// Entries reused and built by the last build (clusters per service port, plus listeners).
    public var lastBuild: (reused: Int, rebuilt: Int) {
        state.withLock { ($0.hits, $0.misses) }
    }

    func lookup(_ key: ClusterKey) -> ClusterEntry? { state.withLock { $0.clusters[key] } }
    func lookup(_ key: ListenerKey) -> ListenerEntry? { state.withLock { $0.listeners[key] } }

    /// Replaces the contents with what one build used.
    func replace(clusters: [ClusterKey: ClusterEntry], listeners: [ListenerKey: ListenerEntry], hits: Int, misses: Int) {
        state.withLock { $0 = State(clusters: clusters, listeners: listeners, hits: hits, misses: misses) }
    }
}

extension GenerationCache.BindingKey {
    init(_ binding: ServiceBinding) {
        self.init(
            service: binding.service, port: binding.port, annotations: binding.annotations,
            virtualServices: binding.virtualServices.map { GenerationCache.VirtualServiceKey(key: $0.key, spec: $0.spec) },
            trafficPolicy: binding.trafficPolicy
        )
    }
}
