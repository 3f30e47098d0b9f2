/// The mesh-wide settings istiod reads from the `mesh` key of the `istio` ConfigMap (mounted at
/// `/etc/istio/config/mesh`): the fields that shape generated config. Every field defaults to
/// istiod's own default, so an empty or missing file means Istio's defaults.
public struct MeshConfig: Sendable, Hashable {
    /// How access log lines are written.
    public enum AccessLogEncoding: String, Sendable, Hashable {
        case text = "TEXT"
        case json = "JSON"
    }

    /// What happens to traffic for hosts the proxy does not know.
    public enum OutboundTrafficPolicy: String, Sendable, Hashable {
        case allowAny = "ALLOW_ANY"
        case registryOnly = "REGISTRY_ONLY"
    }

    /// File access logging: where, in what format.
    public struct AccessLog: Sendable, Hashable {
        /// The file (`/dev/stdout`).
        public var path: String
        /// A text format, or for JSON a JSON object of keys to command operators; empty: Istio's default.
        public var format: String
        /// Text or JSON.
        public var encoding: AccessLogEncoding

        /// An access log from its parts.
        public init(path: String, format: String = "", encoding: AccessLogEncoding = .text) {
            self.path = path
            self.format = format
            self.encoding = encoding
        }
    }

    /// The default retry policy of HTTP routes (`defaultHttpRetryPolicy`).
    public struct RetryPolicy: Sendable, Hashable {
        /// Retries allowed; 0 turns retries off.
        public var attempts: Int
        /// The timeout per attempt, if set.
        public var perTryTimeout: Duration?
        /// Envoy's `retry_on` conditions.
        public var retryOn: String

        /// A policy from its parts.
        public init(attempts: Int, perTryTimeout: Duration? = nil, retryOn: String = "") {
            self.attempts = attempts
            self.perTryTimeout = perTryTimeout
            self.retryOn = retryOn
        }
    }

    /// `accessLogFile`; empty: no access log.
    public var accessLogFile: String = ""
    /// `accessLogFormat`.
    public var accessLogFormat: String = ""
    /// `accessLogEncoding`.
    public var accessLogEncoding: AccessLogEncoding = .text
    /// `enableAutoMtls`.
    public var enableAutoMtls: Bool = true
    /// `enableTracing`.
    public var enableTracing: Bool = true
    /// `defaultConfig.tracing.sampling`, percent.
    public var tracingSampling: Double = 1.0
    /// `outboundTrafficPolicy.mode`.
    public var outboundTrafficPolicy: OutboundTrafficPolicy = .allowAny
    /// `defaultHttpRetryPolicy`; nil: Istio's built-in default (2 attempts).
    public var defaultHTTPRetryPolicy: RetryPolicy?
    /// `trustDomain`.
    public var trustDomain: String = "cluster.local"
    /// `trustDomainAliases`.
    public var trustDomainAliases: [String] = []
    /// `rootNamespace`.
    public var rootNamespace: String = "istio-system"
    /// `connectTimeout`.
    public var connectTimeout: Duration = .seconds(10)
    /// `protocolDetectionTimeout`; zero disables the timeout.
    public var protocolDetectionTimeout: Duration = .zero

    /// Istio's defaults.
    public init() {}

    /// The access log to configure, or nil when `accessLogFile` is empty.
    public var accessLog: AccessLog? {
        accessLogFile.isEmpty ? nil : AccessLog(path: accessLogFile, format: accessLogFormat, encoding: accessLogEncoding)
    }

    /// Every trust domain workloads of this mesh may have: the trust domain, then its aliases.
    public var trustDomains: [String] { [trustDomain] + trustDomainAliases.filter { $0 != trustDomain } }
}

/// Why a MeshConfig file was not accepted.
public struct MeshConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var source: String
    /// The field (`outboundTrafficPolicy.mode`); empty for the whole file.
    public var field: String
    /// What is wrong.
    public var reason: String

    /// An error from its parts.
    public init(source: String, field: String, reason: String) {
        self.source = source
        self.field = field
        self.reason = reason
    }

    public var description: String {
        [source, field, reason].filter { !$0.isEmpty }.joined(separator: ": ")
    }
}
