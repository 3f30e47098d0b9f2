package import Admin
package import KubernetesSource
package import Mesh
package import ServiceLifecycle
package import XDSServer

/// Everything `aeraki serve` is told: where to listen, where config comes from, how to debounce.
package struct AerakiServerConfiguration: Sendable {
    /// Where mesh config comes from.
    package enum ConfigSource: Sendable {
        /// Kubernetes-style YAML files and directories, polled for changes.
        case directory(paths: [String], pollInterval: Duration)
        /// Any other source (istiod over MCP: see ``istiod(_:)``), built from the store it feeds
        /// and the readiness it marks once the first full config has landed.
        case custom(name: String, make: @Sendable (ConfigStore, Readiness) -> any Service)
        /// The Kubernetes API: list and watch of Aeraki's kinds (and, if asked, Istio's).
        case kubernetes(KubernetesSource.Configuration)

        /// A short name for logs.
        package var name: String {
            switch self {
            case .directory(let paths, _): "directory " + paths.joined(separator: ",")
            case .custom(let name, _): name
            case .kubernetes(let configuration): "kubernetes \(configuration.connection.server)"
            }
        }
    }

    /// The mesh config file and how often to look for changes.
    package struct MeshConfigFile: Sendable {
        /// The file (istiod's `/etc/istio/config/mesh`); a missing file is Istio's defaults.
        package var path: String
        /// How often to look for changes.
        package var pollInterval: Duration

        /// A mesh config file from its parts.
        package init(path: String, pollInterval: Duration = .seconds(1)) {
            self.path = path
            self.pollInterval = pollInterval
        }
    }

    /// TLS for the second xDS listener.
    package struct TLS: Sendable {
        /// The port of the TLS listener (Istio uses 15012).
        package var port: Int
        /// PEM certificate chain.
        package var certificateChainFile: String
        /// PEM private key.
        package var privateKeyFile: String
        /// PEM roots to verify client certificates with; nil: no client certificates asked for.
        package var clientCAFile: String?

        /// A TLS listener configuration from its parts.
        package init(port: Int, certificateChainFile: String, privateKeyFile: String, clientCAFile: String? = nil) {
            self.port = port
            self.certificateChainFile = certificateChainFile
            self.privateKeyFile = privateKeyFile
            self.clientCAFile = clientCAFile
        }
    }

    /// What one client, or all of them, may ask of the xDS listeners.
    package struct Limits: Sendable, Hashable {
        /// The most concurrent streams on one HTTP/2 connection (advertised as
        /// `SETTINGS_MAX_CONCURRENT_STREAMS`; a client queues more, it is not refused).
        package var maxStreamsPerConnection: Int
        /// The most xDS streams open at once over all connections (one more ends with `RESOURCE_EXHAUSTED`).
        package var maxStreams: Int
        /// The largest request message, in bytes (a larger one ends its stream with `RESOURCE_EXHAUSTED`).
        package var maxRequestBytes: Int

        /// Limits from their parts.
        package init(maxStreamsPerConnection: Int, maxStreams: Int, maxRequestBytes: Int) {
            self.maxStreamsPerConnection = maxStreamsPerConnection
            self.maxStreams = maxStreams
            self.maxRequestBytes = maxRequestBytes
        }

        /// 1,000 streams per connection (an Envoy uses one; load generators multiplex a few hundred),
        /// 100,000 streams in all, 4 MiB requests (gRPC's and istiod's default).
        package static var defaults: Limits {
            Limits(maxStreamsPerConnection: 1000, maxStreams: 100_000, maxRequestBytes: 4 << 20)
        }
    }

    /// The address the xDS listeners bind.
    package var xdsHost: String
    /// The plaintext xDS port (15010; 0 picks a free one).
    package var xdsPort: Int
    /// The optional TLS xDS listener.
    package var tls: TLS?
    /// What each xDS listener requires of a stream (default: nothing; `aeraki serve` requires an
    /// identity on the TLS listener unless told otherwise).
    package var xdsAuthentication: XDSAuthentication
    /// What clients may ask of the xDS listeners.
    package var limits: Limits
    /// The admin endpoint.
    package var admin: AdminServer.Configuration
    /// The config source.
    package var source: ConfigSource
    /// More sources feeding the same store (e.g. istiod for Istio's kinds, Kubernetes for Aeraki's);
    /// the server is ready once every source has delivered its first full config.
    package var additionalSources: [ConfigSource]
    /// The mesh config file, watched for changes (with ``AerakiServer/init(configuration:makeGenerator:version:logger:)``).
    package var meshConfig: MeshConfigFile?
    /// How config change events are batched.
    package var debounce: DebounceConfiguration
    /// The control plane id stamped into responses.
    package var controlPlaneID: String
    /// Mesh-wide index options (domain suffix, root namespace).
    package var meshOptions: MeshIndex.Options
    /// How long a graceful shutdown may take before streams are cut.
    package var shutdownGracePeriod: Duration

    /// A configuration from its parts.
    package init(
        xdsHost: String = "0.0.0.0", xdsPort: Int = 15010, tls: TLS? = nil, xdsAuthentication: XDSAuthentication = .disabled,
        limits: Limits = .defaults, admin: AdminServer.Configuration = .defaults,
        source: ConfigSource, additionalSources: [ConfigSource] = [], meshConfig: MeshConfigFile? = nil,
        debounce: DebounceConfiguration = .defaults, controlPlaneID: String = "aeraki",
        meshOptions: MeshIndex.Options = .defaults, shutdownGracePeriod: Duration = .seconds(10)
    ) {
        self.xdsHost = xdsHost
        self.xdsPort = xdsPort
        self.tls = tls
        self.xdsAuthentication = xdsAuthentication
        self.limits = limits
        self.admin = admin
        self.source = source
        self.additionalSources = additionalSources
        self.meshConfig = meshConfig
        self.debounce = debounce
        self.controlPlaneID = controlPlaneID
        self.meshOptions = meshOptions
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
