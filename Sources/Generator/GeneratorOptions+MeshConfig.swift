package import Mesh

extension GeneratorOptions {
    /// The options a mesh config asks for: its outbound traffic policy, connect timeout (whole
    /// seconds, rounded up), access log, trust domains, auto mTLS, tracing, default HTTP retry
    /// policy and protocol detection timeout; capture ports stay Istio's.
    package init(meshConfig: MeshConfig) {
        let timeout = meshConfig.connectTimeout.components
        self.init(
            outboundTrafficPolicy: meshConfig.outboundTrafficPolicy == .registryOnly ? .registryOnly : .allowAny,
            connectTimeoutSeconds: max(1, timeout.seconds + (timeout.attoseconds > 0 ? 1 : 0)),
            accessLog: meshConfig.accessLog,
            trustDomains: meshConfig.trustDomains,
            autoMutualTLS: meshConfig.enableAutoMtls,
            tracingSampling: meshConfig.enableTracing ? meshConfig.tracingSampling : nil,
            defaultHTTPRetryPolicy: meshConfig.defaultHTTPRetryPolicy,
            protocolDetectionTimeout: meshConfig.protocolDetectionTimeout
        )
    }
}
