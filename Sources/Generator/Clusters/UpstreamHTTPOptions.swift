internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// The upstream HTTP protocol of a cluster and its connection-pool HTTP settings, as istiod's
/// `setUpstreamProtocol` and `applyConnectionPool` write them: Envoy's
/// `envoy.extensions.upstreams.http.v3.HttpProtocolOptions` in `typed_extension_protocol_options`.
enum UpstreamHTTPOptions {
    /// The extension key (and type) of the options.
    static let key = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

    /// Sets the options of a cluster for service port `port` under `policy` (already resolved for the
    /// port and subset; nil: none). HTTP/2 for HTTP2/gRPC/gRPC-Web ports and for HTTP ports whose
    /// rule says `h2UpgradePolicy: UPGRADE` (not `DO_NOT_UPGRADE`); the downstream protocol with
    /// `useClientProtocol`; `idleTimeout` and `maxRequestsPerConnection` as common options,
    /// `maxConcurrentStreams` on HTTP/2. Nothing is written for HTTP/1.1 without such settings.
    static func apply(port: MeshProtocol, policy: Istio_Networking_V1alpha3_TrafficPolicy?, to cluster: inout Envoy_Config_Cluster_V3_Cluster) {
        let http = policy?.connectionPool.http
        var options = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions()
        var needed = false
        if let http {
            if http.hasIdleTimeout {
                options.commonHTTPProtocolOptions.idleTimeout = http.idleTimeout
                needed = true
            }
            if http.maxRequestsPerConnection > 0 {
                options.commonHTTPProtocolOptions.maxRequestsPerConnection = Google_Protobuf_UInt32Value(UInt32(http.maxRequestsPerConnection))
                needed = true
            }
        }
        let h2 = port.isHTTP2 || (port == .http && http?.h2UpgradePolicy == .upgrade)
        if let http, http.useClientProtocol, port.isHTTP {
            var downstream = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.UseDownstreamHttpConfig()
            downstream.httpProtocolOptions = Envoy_Config_Core_V3_Http1ProtocolOptions()
            downstream.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions()
            options.useDownstreamProtocolConfig = downstream
            needed = true
        } else if h2 {
            var http2 = Envoy_Config_Core_V3_Http2ProtocolOptions()
            if let http, http.maxConcurrentStreams > 0 { http2.maxConcurrentStreams = Google_Protobuf_UInt32Value(UInt32(http.maxConcurrentStreams)) }
            options.explicitHTTPConfig.http2ProtocolOptions = http2
            needed = true
        } else if needed {
            // Envoy requires an upstream protocol once the options exist: HTTP/1.1.
            options.explicitHTTPConfig.httpProtocolOptions = Envoy_Config_Core_V3_Http1ProtocolOptions()
        }
        guard needed, let packed = try? Google_Protobuf_Any(message: options) else { return }
        cluster.typedExtensionProtocolOptions[key] = packed
    }
}
