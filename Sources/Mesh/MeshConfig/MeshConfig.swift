/// The mesh-wide settings istiod reads from the `mesh` key of the `istio` ConfigMap (mounted at
/// `/etc/istio/config/mesh`): the fields that shape generated config. Every field defaults to
/// istiod's own default, so an empty or missing file means Istio's defaults.
package struct MeshConfig: Sendable, Hashable {
    /// How access log lines are written.
    package enum AccessLogEncoding: String, Sendable, Hashable {
        case text = "TEXT"
        case json = "JSON"
    }

    /// What happens to traffic for hosts the proxy does not know.
    package enum OutboundTrafficPolicy: String, Sendable, Hashable {
        case allowAny = "ALLOW_ANY"
        case registryOnly = "REGISTRY_ONLY"
    }

    /// File access logging: where, in what format.
    package struct AccessLog: Sendable, Hashable {
        /// The file (`/dev/stdout`).
        package var path: String
        /// A text format, or for JSON a JSON object of keys to command operators; empty: Istio's default.
        package var format: String
        /// Text or JSON.
        package var encoding: AccessLogEncoding

        /// An access log from its parts.
        package init(path: String, format: String = "", encoding: AccessLogEncoding = .text) {
            self.path = path
            self.format = format
            self.encoding = encoding
        }
    }

    /// The default retry policy of HTTP routes (`defaultHttpRetryPolicy`).
    package struct RetryPolicy: Sendable, Hashable {
        /// Retries allowed; 0 turns retries off.
        package var attempts: Int
        /// The timeout per attempt, if set.
        package var perTryTimeout: Duration?
        /// Envoy's `retry_on` conditions.
        package var retryOn: String

        /// A policy from its parts.
        package init(attempts: Int, perTryTimeout: Duration? = nil, retryOn: String = "") {
            self.attempts = attempts
            self.perTryTimeout = perTryTimeout
            self.retryOn = retryOn
        }
    }

    /// `accessLogFile`; empty: no access log.
    package var accessLogFile: String = ""
    /// `accessLogFormat`.
    package var accessLogFormat: String = ""
    /// `accessLogEncoding`.
    package var accessLogEncoding: AccessLogEncoding = .text
    /// `enableAutoMtls`.
    package var enableAutoMtls: Bool = true
    /// `enableTracing`.
    package var enableTracing: Bool = true
    /// `defaultConfig.tracing.sampling`, percent.
    package var tracingSampling: Double = 1.0
    /// `outboundTrafficPolicy.mode`.
    package var outboundTrafficPolicy: OutboundTrafficPolicy = .allowAny
    /// `defaultHttpRetryPolicy`; nil: Istio's built-in default (2 attempts).
    package var defaultHTTPRetryPolicy: RetryPolicy?
    /// `trustDomain`.
    package var trustDomain: String = "cluster.local"
    /// `trustDomainAliases`.
    package var trustDomainAliases: [String] = []
    /// `rootNamespace`.
    package var rootNamespace: String = "istio-system"
    /// `connectTimeout`.
    package var connectTimeout: Duration = .seconds(10)
    /// `protocolDetectionTimeout`; zero disables the timeout.
    package var protocolDetectionTimeout: Duration = .zero

    /// Istio's defaults.
    package init() {}

    /// The access log to configure, or nil when `accessLogFile` is empty.
    package var accessLog: AccessLog? {
        accessLogFile.isEmpty ? nil : AccessLog(path: accessLogFile, format: accessLogFormat, encoding: accessLogEncoding)
    }

    /// Every trust domain workloads of this mesh may have: the trust domain, then its aliases.
    package var trustDomains: [String] { [trustDomain] + trustDomainAliases.filter { $0 != trustDomain } }
}

/// Why a MeshConfig file was not accepted.
package struct MeshConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file.
    package var source: String
    /// The field (`outboundTrafficPolicy.mode`); empty for the whole file.
    package var field: String
    /// What is wrong.
    package var reason: String

    /// An error from its parts.
    package init(source: String, field: String, reason: String) {
        self.source = source
        self.field = field
        self.reason = reason
    }

    package var description: String {
        [source, field, reason].filter { !$0.isEmpty }.joined(separator: ": ")
    }
}
