package import Mesh
package import MeshAPI

/// One service port as a plugin sees it: the service, its annotations, the VirtualServices that
/// route it for this proxy, and the DestinationRule subsets that exist for it.
package struct ServiceBinding: Sendable {
    /// The service.
    package var service: MeshService
    /// The port.
    package var port: MeshServicePort
    /// The ServiceEntry's annotations (Dubbo reads `interface`).
    package var annotations: [String: String]
    /// The VirtualServices for the host that apply to this proxy, in creation order.
    package var virtualServices: [ResolvedVirtualService]
    /// The DestinationRule traffic policy of this port (port-level settings applied, no subset),
    /// for the listener-side settings Istio takes from it (tcp_proxy hash policy and timeouts).
    package var trafficPolicy: Istio_Networking_V1alpha3_TrafficPolicy?
    /// The RedisServices shaping a Redis port (oldest first; the first one applies).
    package var redisServices: [ResolvedRedisService]
    /// The RedisDestination of a Redis port's service, if any.
    package var redisDestination: Redis_Aeraki_Io_V1alpha1_RedisDestination?
    /// The MetaRouters naming the host exported to this proxy, oldest first. Thrift reads their rate
    /// limits; MetaProtocol reads them only in route resources (``ProtocolPlugin/routeResources(_:)``)
    /// and inbound chains: outbound listeners do not depend on MetaRouters, so a MetaRouter edit
    /// rebuilds only the routes.
    package var metaRouters: [(key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)]

    /// A binding from its parts.
    package init(
        service: MeshService, port: MeshServicePort, annotations: [String: String] = [:], virtualServices: [ResolvedVirtualService] = [],
        trafficPolicy: Istio_Networking_V1alpha3_TrafficPolicy? = nil, redisServices: [ResolvedRedisService] = [],
        redisDestination: Redis_Aeraki_Io_V1alpha1_RedisDestination? = nil, metaRouters: [(key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)] = []
    ) {
        self.service = service
        self.port = port
        self.annotations = annotations
        self.virtualServices = virtualServices
        self.trafficPolicy = trafficPolicy
        self.redisServices = redisServices
        self.redisDestination = redisDestination
        self.metaRouters = metaRouters
    }

    /// The default outbound cluster of this binding: `outbound|PORT||HOST`.
    package var defaultCluster: String { ClusterName.outbound(port: port.number, host: service.hostname) }
}

/// What an outbound listener chain is built from.
package struct OutboundContext: Sendable {
    /// The listener's port.
    package var listenerPort: UInt32
    /// The listener's name (`<VIP>_<port>` or `0.0.0.0_<port>`).
    package var listenerName: String
    /// The services sharing the listener, sorted by host name; the first is the primary one.
    /// Only protocols that can tell services apart on one connection use the others (Dubbo by
    /// interface, HTTP by virtual host).
    package var bindings: [ServiceBinding]
    /// The proxy the chain is for.
    package var proxy: ProxyIdentity
    /// The clusters that exist for this proxy, to resolve and check route destinations.
    package var catalog: ClusterCatalog
    /// The mesh's access log, for plugins whose filter can write one; nil: none.
    package var accessLog: MeshConfig.AccessLog?
    /// The mesh's tracing random sampling percentage, for plugins whose filter traces; nil: off.
    package var tracingSampling: Double?
    /// The DestinationRule in effect for each visible host (lower-cased), for the settings routes
    /// take from a destination's rule (HTTP consistent-hash policies).
    package var destinationRules: [String: EffectiveDestinationRule]
    /// Whether requests for unknown hosts pass through (`ALLOW_ANY`) or are refused
    /// (`REGISTRY_ONLY`): the catch-all virtual host of HTTP route configurations.
    package var allowAnyHost: Bool
    /// The mesh's retry policy for HTTP routes without VirtualService `retries`; nil: Istio's
    /// built-in default.
    package var defaultHTTPRetryPolicy: MeshConfig.RetryPolicy?

    /// A context from its parts.
    package init(
        listenerPort: UInt32, listenerName: String, bindings: [ServiceBinding], proxy: ProxyIdentity, catalog: ClusterCatalog,
        accessLog: MeshConfig.AccessLog? = nil, tracingSampling: Double? = nil,
        destinationRules: [String: EffectiveDestinationRule] = [:], allowAnyHost: Bool = true,
        defaultHTTPRetryPolicy: MeshConfig.RetryPolicy? = nil
    ) {
        self.listenerPort = listenerPort
        self.listenerName = listenerName
        self.bindings = bindings
        self.proxy = proxy
        self.catalog = catalog
        self.accessLog = accessLog
        self.tracingSampling = tracingSampling
        self.destinationRules = destinationRules
        self.allowAnyHost = allowAnyHost
        self.defaultHTTPRetryPolicy = defaultHTTPRetryPolicy
    }

    /// The primary binding.
    package var primary: ServiceBinding { bindings[0] }
}

/// What an inbound chain (on `virtualInbound`) is built from.
package struct InboundContext: Sendable {
    /// The port the workload listens on (the service's target port, else its number).
    package var targetPort: UInt32
    /// The proxy's own services exposing this target port, sorted by host name (never empty).
    package var bindings: [ServiceBinding]
    /// The proxy.
    package var proxy: ProxyIdentity
    /// The mesh's access log, for plugins whose filter can write one; nil: none.
    package var accessLog: MeshConfig.AccessLog?
    /// The outbound clusters among those the inbound filters may call (a rate-limit service) that
    /// exist for the proxy.
    package var existingClusters: Set<String>
    /// The mesh's tracing random sampling percentage, for plugins whose filter traces; nil: off.
    package var tracingSampling: Double?

    /// A context from its parts.
    package init(
        targetPort: UInt32, bindings: [ServiceBinding], proxy: ProxyIdentity, accessLog: MeshConfig.AccessLog? = nil,
        existingClusters: Set<String> = [], tracingSampling: Double? = nil
    ) {
        self.targetPort = targetPort
        self.bindings = bindings
        self.proxy = proxy
        self.accessLog = accessLog
        self.existingClusters = existingClusters
        self.tracingSampling = tracingSampling
    }

    /// `inbound|TARGETPORT||`.
    package var clusterName: String { ClusterName.inbound(port: targetPort) }
}

/// What the route resources of one service port (served apart from the listener, e.g. MetaProtocol
/// RDS `<host>_<port>`) are built from.
package struct RouteContext: Sendable {
    /// The service port, with the MetaRouters that route it.
    package var binding: ServiceBinding
    /// The proxy the routes are for (a representative of its scope).
    package var proxy: ProxyIdentity
    /// The clusters that exist for this proxy, to resolve and check route destinations.
    package var catalog: ClusterCatalog
    /// The DestinationRules in effect for the hosts the binding's rules route to, by lower-cased
    /// host (consistent-hash policies come from the destination's rule).
    package var destinationRules: [String: EffectiveDestinationRule]

    /// A context from its parts.
    package init(binding: ServiceBinding, proxy: ProxyIdentity, catalog: ClusterCatalog, destinationRules: [String: EffectiveDestinationRule] = [:]) {
        self.binding = binding
        self.proxy = proxy
        self.catalog = catalog
        self.destinationRules = destinationRules
    }
}
