package import EnvoyAPI
package import LibGRPCTransport
internal import SwiftProtobuf

extension MCPClient {
    /// How the MCP client reaches istiod and identifies itself.
    package struct Configuration: Sendable {
        /// Plain SotW ADS or incremental (delta) ADS.
        package enum Mode: Sendable, Hashable {
            case stateOfTheWorld, delta
        }

        /// TLS settings for istiod's 15012 port.
        package struct TLS: Sendable, Hashable {
            /// The Istio root certificate (PEM file), e.g. `/var/run/secrets/istio/root-cert.pem`.
            package var rootCertificatesFile: String
            /// The name to verify istiod's certificate against and send as SNI
            /// (`istiod.istio-system.svc`).
            package var serverNameOverride: String?

            /// TLS settings from their parts.
            package init(rootCertificatesFile: String, serverNameOverride: String? = "istiod.istio-system.svc") {
                self.rootCertificatesFile = rootCertificatesFile
                self.serverNameOverride = serverNameOverride
            }
        }

        /// `host:port` of istiod (`istiod.istio-system.svc:15012`).
        package var address: String
        /// TLS for 15012; nil for plaintext 15010.
        package var tls: TLS?
        /// A file holding a bearer token (a Kubernetes service-account token), re-read on every
        /// connection; sent as `authorization: Bearer <token>`.
        package var tokenFile: String?
        /// SotW or delta ADS.
        package var mode: Mode
        /// The namespace the client claims (istiod checks it against the token's; must be the root
        /// namespace for the api generator on recent istiod).
        package var namespace: String
        /// The workload name in the node id.
        package var workloadName: String
        /// The IP in the node id (istiod requires a valid one).
        package var ip: String
        /// Extra node metadata (`CLUSTER_ID`, `ISTIO_VERSION`, ...).
        package var metadata: [String: String]
        /// The kinds to subscribe to.
        package var kinds: [ConfigKind]
        /// Reconnection backoff.
        package var backoff: Backoff
        /// Keepalive pings on the connection to istiod: a connection that hangs without closing
        /// (istiod frozen, a middlebox dropping it silently) fails after `time + timeout` and the
        /// client reconnects. Defaults: a ping after 30 s of silence, 10 s to answer.
        package var keepalive: Keepalive
        /// The store origin under which resources are kept.
        package var origin: String

        /// A configuration for istiod at `address`.
        package init(
            address: String, tls: TLS? = nil, tokenFile: String? = nil, mode: Mode = .stateOfTheWorld,
            namespace: String = "istio-system", workloadName: String = "aeraki", ip: String = "127.0.0.1",
            metadata: [String: String] = [:], kinds: [ConfigKind] = ConfigKind.all, backoff: Backoff = Backoff(),
            keepalive: Keepalive = .defaults, origin: String = "mcp"
        ) {
            self.address = address
            self.tls = tls
            self.tokenFile = tokenFile
            self.mode = mode
            self.namespace = namespace
            self.workloadName = workloadName
            self.ip = ip
            self.metadata = metadata
            self.kinds = kinds
            self.backoff = backoff
            self.keepalive = keepalive
            self.origin = origin
        }

        /// The node sent with the first request: `sidecar~IP~NAME.NS~NS.svc.cluster.local`, metadata
        /// `GENERATOR=api`, `NAMESPACE`, `INSTANCE_IPS` plus `metadata`.
        package var node: Envoy_Config_Core_V3_Node {
            var node = Envoy_Config_Core_V3_Node()
            node.id = "sidecar~\(ip)~\(workloadName).\(namespace)~\(namespace).svc.cluster.local"
            var fields: [String: Google_Protobuf_Value] = [:]
            for (key, value) in metadata { fields[key] = Google_Protobuf_Value(stringValue: value) }
            fields["GENERATOR"] = Google_Protobuf_Value(stringValue: "api")
            fields["NAMESPACE"] = Google_Protobuf_Value(stringValue: namespace)
            fields["INSTANCE_IPS"] = Google_Protobuf_Value(stringValue: ip)
            node.metadata = Google_Protobuf_Struct(fields: fields)
            return node
        }
    }
}
