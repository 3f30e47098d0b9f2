internal import EnvoyAPI
internal import Protocols
internal import SwiftProtobuf

/// The DownstreamTlsContext istiod puts on inbound mTLS chains (`BuildInboundTLS`): the workload
/// certificate `default` and the mesh root `ROOTCA` from the agent over SDS (`sds-grpc`), a client
/// certificate required and its SPIFFE id verified to be of one of the mesh's trust domains.
enum DownstreamTLS {
    /// Istio's default cipher suites for inbound mTLS (mesh `meshMTLS.cipherSuites` unset).
    static let cipherSuites = [
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-GCM-SHA256",
    ]

    /// The server ALPN. istiod advertises `istio-peer-exchange` too on TCP chains because its TCP
    /// chains start with the `istio.metadata_exchange` filter; Aeraki's chains do not run that
    /// filter, so it advertises what istiod does with metadata exchange off (`h2`, `http/1.1`):
    /// a client offering `istio-peer-exchange, istio` then negotiates no ALPN and sends no exchange
    /// header the application would see.
    static let alpn = ["h2", "http/1.1"]

    /// The `envoy.transport_sockets.tls` socket of an inbound mTLS chain.
    static func transportSocket(trustDomains: [String]) throws(PluginError) -> Envoy_Config_Core_V3_TransportSocket {
        var params = Envoy_Extensions_TransportSockets_Tls_V3_TlsParameters()
        params.tlsMinimumProtocolVersion = .tlsv12
        params.tlsMaximumProtocolVersion = .tlsv13
        params.cipherSuites = cipherSuites
        var common = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext()
        common.tlsParams = params
        common.alpnProtocols = alpn
        common.tlsCertificateSdsSecretConfigs = [UpstreamTLS.sds("default")]
        var validation = Envoy_Extensions_TransportSockets_Tls_V3_CertificateValidationContext()
        var seen: [String] = []
        for domain in trustDomains where !seen.contains(domain) { seen.append(domain) }
        validation.matchTypedSubjectAltNames = seen.map { domain in
            var matcher = Envoy_Extensions_TransportSockets_Tls_V3_SubjectAltNameMatcher()
            matcher.sanType = .uri
            matcher.matcher.prefix = "spiffe://\(domain)/"
            return matcher
        }
        var combined = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext.CombinedCertificateValidationContext()
        combined.defaultValidationContext = validation
        combined.validationContextSdsSecretConfig = UpstreamTLS.sds("ROOTCA")
        common.combinedValidationContext = combined
        var context = Envoy_Extensions_TransportSockets_Tls_V3_DownstreamTlsContext()
        context.commonTlsContext = common
        context.requireClientCertificate = Google_Protobuf_BoolValue(true)
        var socket = Envoy_Config_Core_V3_TransportSocket()
        socket.name = "envoy.transport_sockets.tls"
        socket.typedConfig = try .packing(context, plugin: socket.name)
        return socket
    }
}
