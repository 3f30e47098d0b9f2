package import Mesh

/// Mesh-wide settings the generator applies to every proxy.
package struct GeneratorOptions: Sendable, Hashable {
    /// What happens to traffic for hosts the proxy does not know.
    package enum OutboundTrafficPolicy: String, Sendable, Hashable {
        /// Pass it through to its original destination (`PassthroughCluster`), Istio's default.
        case allowAny = "ALLOW_ANY"
        /// Drop it (`BlackHoleCluster`).
        case registryOnly = "REGISTRY_ONLY"
    }

    /// The mesh default; a Sidecar's `outboundTrafficPolicy` overrides it per proxy.
    package var outboundTrafficPolicy: OutboundTrafficPolicy
    /// Upstream connect timeout when no DestinationRule sets one (mesh `connectTimeout`).
    package var connectTimeoutSeconds: Int64
    /// The outbound capture port (`virtualOutbound`).
    package var outboundPort: UInt32
    /// The inbound capture port (`virtualInbound`).
    package var inboundPort: UInt32
    /// Ports no wildcard listener may take (Envoy's status and Prometheus listeners, the capture ports).
    package var reservedPorts: Set<UInt32>
    /// File access logging on the network filters that support it (mesh `accessLogFile`); nil: none.
    package var accessLog: MeshConfig.AccessLog?
    /// The mesh trust domain, then its aliases: SPIFFE SANs verified on ISTIO_MUTUAL clusters are
    /// expanded to every one of them (mesh `trustDomain`, `trustDomainAliases`).
    package var trustDomains: [String]
    /// Istio mTLS to mesh services without DestinationRule TLS, for endpoints with a sidecar
    /// (mesh `enableAutoMtls`, default on).
    package var autoMutualTLS: Bool
    /// The random sampling percentage of the filters that trace requests (MetaProtocol's own
    /// tracing, HTTP connection managers' `tracing`), mesh `defaultConfig.tracing.sampling`; nil when
    /// the mesh disables tracing (`enableTracing`).
    package var tracingSampling: Double?
    /// The retry policy of HTTP routes without VirtualService `retries` (mesh
    /// `defaultHttpRetryPolicy`); nil: Istio's built-in default (2 attempts).
    package var defaultHTTPRetryPolicy: MeshConfig.RetryPolicy?
    /// How long listener filters may inspect a new connection (`http_inspector`, `tls_inspector`)
    /// before it goes on undetected (mesh `protocolDetectionTimeout`); zero: no limit, Istio's default.
    package var protocolDetectionTimeout: Duration

    /// Options from their parts.
    package init(
        outboundTrafficPolicy: OutboundTrafficPolicy = .allowAny, connectTimeoutSeconds: Int64 = 10,
        outboundPort: UInt32 = 15001, inboundPort: UInt32 = 15006, reservedPorts: Set<UInt32> = [15001, 15006, 15021, 15090],
        accessLog: MeshConfig.AccessLog? = nil, trustDomains: [String] = ["cluster.local"], autoMutualTLS: Bool = true,
        tracingSampling: Double? = 1.0, defaultHTTPRetryPolicy: MeshConfig.RetryPolicy? = nil,
        protocolDetectionTimeout: Duration = .zero
    ) {
        self.autoMutualTLS = autoMutualTLS
        self.outboundTrafficPolicy = outboundTrafficPolicy
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.outboundPort = outboundPort
        self.inboundPort = inboundPort
        self.reservedPorts = reservedPorts
        self.accessLog = accessLog
        self.trustDomains = trustDomains
        self.tracingSampling = tracingSampling
        self.defaultHTTPRetryPolicy = defaultHTTPRetryPolicy
        self.protocolDetectionTimeout = protocolDetectionTimeout
    }

    /// Istio's defaults: `ALLOW_ANY`, 10 s, 15001 / 15006, tracing at 1 %.
    package static var defaults: GeneratorOptions { GeneratorOptions() }
}
