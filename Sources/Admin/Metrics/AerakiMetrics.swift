import CoreMetrics
import Prometheus

/// Every metric Aeraki exports, created once with bounded dimensions (type, kind, result; never a
/// node id or resource name), backed by its own Prometheus registry (no global bootstrap).
package final class AerakiMetrics: Sendable {
    /// The xDS types that get their own label value; others count as `other`.
    package static let typeLabels: [String: String] = [
        "type.googleapis.com/envoy.config.cluster.v3.Cluster": "cds",
        "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment": "eds",
        "type.googleapis.com/envoy.config.listener.v3.Listener": "lds",
        "type.googleapis.com/envoy.config.route.v3.RouteConfiguration": "rds",
        "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret": "sds",
        "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig": "ecds",
    ]

    /// The stream kinds.
    package enum StreamKind: String, Sendable, CaseIterable {
        case sotw, delta
    }

    private let registry: PrometheusCollectorRegistry
    private let pushes: [String: CoreMetrics.Counter]
    private let pushBytes: [String: CoreMetrics.Counter]
    private let nacks: [String: CoreMetrics.Counter]
    private let pushLatency: CoreMetrics.Timer
    private let connected: [StreamKind: CoreMetrics.Meter]
    private let proxies: CoreMetrics.Gauge
    private let configEvents: CoreMetrics.Counter
    private let configChangedResources: CoreMetrics.Counter
    private let rejected: CoreMetrics.Gauge
    private let generation: CoreMetrics.Timer
    private let generatedProxies: CoreMetrics.Counter
    private let generationErrors: CoreMetrics.Counter
    private let generationDiagnostics: CoreMetrics.Gauge
    private let heapInUse: CoreMetrics.Gauge
    private let heapFree: CoreMetrics.Gauge

    /// Creates every metric in a new registry.
    package init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        factory.durationHistogramBuckets = [
            "aeraki_xds_push_latency_seconds": latencyBuckets, "aeraki_generation_duration_seconds": latencyBuckets,
        ]
        self.registry = registry
        var pushes: [String: CoreMetrics.Counter] = [:]
        var pushBytes: [String: CoreMetrics.Counter] = [:]
        var nacks: [String: CoreMetrics.Counter] = [:]
        for label in Set(Self.typeLabels.values).union(["other"]) {
            pushes[label] = CoreMetrics.Counter(label: "aeraki_xds_pushes_total", dimensions: [("type", label)], factory: factory)
            pushBytes[label] = CoreMetrics.Counter(label: "aeraki_xds_push_bytes_total", dimensions: [("type", label)], factory: factory)
            nacks[label] = CoreMetrics.Counter(label: "aeraki_xds_nacks_total", dimensions: [("type", label)], factory: factory)
        }
        self.pushes = pushes
        self.pushBytes = pushBytes
        self.nacks = nacks
        pushLatency = CoreMetrics.Timer(label: "aeraki_xds_push_latency_seconds", factory: factory)
        var connected: [StreamKind: CoreMetrics.Meter] = [:]
        for kind in StreamKind.allCases {
            connected[kind] = CoreMetrics.Meter(label: "aeraki_xds_connected_streams", dimensions: [("kind", kind.rawValue)], factory: factory)
        }
        self.connected = connected
        proxies = CoreMetrics.Gauge(label: "aeraki_xds_connected_proxies", factory: factory)
        configEvents = CoreMetrics.Counter(label: "aeraki_config_events_total", factory: factory)
        configChangedResources = CoreMetrics.Counter(label: "aeraki_config_changed_resources_total", factory: factory)
        rejected = CoreMetrics.Gauge(label: "aeraki_config_rejected_resources", factory: factory)
        generation = CoreMetrics.Timer(label: "aeraki_generation_duration_seconds", factory: factory)
        generatedProxies = CoreMetrics.Counter(label: "aeraki_generation_proxies_total", factory: factory)
        generationErrors = CoreMetrics.Counter(label: "aeraki_generation_errors_total", factory: factory)
        generationDiagnostics = CoreMetrics.Gauge(label: "aeraki_generation_diagnostics", factory: factory)
        heapInUse = CoreMetrics.Gauge(label: "aeraki_heap_in_use_bytes", factory: factory)
        heapFree = CoreMetrics.Gauge(label: "aeraki_heap_free_bytes", factory: factory)
    }

    /// The bounded label for a type URL.
    package static func typeLabel(_ typeURL: String) -> String {
        typeLabels[typeURL] ?? "other"
    }

    /// A response was sent.
    package func recordPush(typeURL: String, bytes: Int) {
        let label = Self.typeLabel(typeURL)
        pushes[label]?.increment()
        pushBytes[label]?.increment(by: bytes)
    }

    /// The time from a config change to a response carrying it.
    package func recordPushLatency(_ duration: Duration) {
        pushLatency.recordNanoseconds(duration.nanoseconds)
    }

    /// A NACK arrived.
    package func recordNack(typeURL: String) {
        nacks[Self.typeLabel(typeURL)]?.increment()
    }

    /// A stream opened (`+1`) or closed (`-1`).
    package func streamOpened(_ kind: StreamKind) { connected[kind]?.increment() }
    /// A stream closed.
    package func streamClosed(_ kind: StreamKind) { connected[kind]?.decrement() }

    /// How many distinct proxies (node ids) have an open stream.
    package func setConnectedProxies(_ count: Int) {
        proxies.record(count)
    }

    /// A debounced config change batch arrived, naming `resources` keys.
    package func recordConfigEvent(resources: Int) {
        configEvents.increment()
        configChangedResources.increment(by: resources)
    }

    /// How many resources are currently rejected.
    package func setRejectedResources(_ count: Int) {
        rejected.record(count)
    }

    /// One rebuild pass: how long it took, how many proxies it built, how many failed.
    package func recordGeneration(duration: Duration, proxies: Int, errors: Int) {
        generation.recordNanoseconds(duration.nanoseconds)
        generatedProxies.increment(by: proxies)
        if errors > 0 { generationErrors.increment(by: errors) }
    }

    /// How many distinct things generation currently leaves out for connected proxies.
    package func setGenerationDiagnostics(_ count: Int) {
        generationDiagnostics.record(count)
    }

    /// The C allocator's bytes in use and free inside its arenas (free bytes it keeps are resident
    /// memory that is not Aeraki's).
    package func setHeap(inUseBytes: Int, freeBytes: Int) {
        heapInUse.record(inUseBytes)
        heapFree.record(freeBytes)
    }

    /// The Prometheus text exposition of every metric.
    package func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
