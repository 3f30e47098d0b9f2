internal import EnvoyAPI
internal import MeshAPI
internal import SwiftProtobuf

/// Upstream TLS from a DestinationRule's `tls` settings.
enum UpstreamTLS {
    /// The SDS config source of Istio's bootstrap: gRPC to the agent's `sds-grpc` cluster.
    static var sdsConfig: Envoy_Config_Core_V3_ConfigSource {
        var api = Envoy_Config_Core_V3_ApiConfigSource()
        api.apiType = .grpc
        api.transportApiVersion = .v3
        api.setNodeOnFirstMessageOnly = true
        var grpc = Envoy_Config_Core_V3_GrpcService()
        grpc.envoyGrpc.clusterName = "sds-grpc"
        api.grpcServices = [grpc]
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.apiConfigSource = api
        source.initialFetchTimeout = Proto.duration(seconds: 0)
        source.resourceApiVersion = .v3
        return source
    }

    static func sds(_ name: String) -> Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig {
        var config = Envoy_Extensions_TransportSockets_Tls_V3_SdsSecretConfig()
        config.name = name
        config.sdsConfig = sdsConfig
        return config
    }

    static func file(_ path: String) -> Envoy_Config_Core_V3_DataSource {
        var source = Envoy_Config_Core_V3_DataSource()
        source.filename = path
        return source
    }

    /// `sans` with every SPIFFE identity also in each of `trustDomains` (istiod's
    /// `ExpandWithTrustDomains`): a workload whose certificate still names an old trust domain (an
    /// alias) is accepted, and so is one already moved to the new one.
    static func expanding(_ sans: [String], trustDomains: [String]) -> [String] {
        var result: [String] = []
        for san in sans {
            if !result.contains(san) { result.append(san) }
            guard san.hasPrefix("spiffe://") else { continue }
            let path = san.dropFirst("spiffe://".count).drop { $0 != "/" }
            for domain in trustDomains {
                let variant = "spiffe://\(domain)\(path)"
                if !result.contains(variant) { result.append(variant) }
            }
        }
        return result
    }

    /// The `envoy.transport_sockets.tls` socket, or nil for DISABLE.
    ///
    /// ISTIO_MUTUAL: workload certificate `default` and root `ROOTCA` over SDS, SNI `outbound_.…`,
    /// ALPN `istio-peer-exchange, istio`, the service's subject alt names verified. SIMPLE / MUTUAL:
    /// files, or `credentialName` over SDS (`kubernetes://NAME`, root `kubernetes://NAME-cacert`).
    static func transportSocket(_ tls: Istio_Networking_V1alpha3_ClientTLSSettings, defaultSNI: String, subjectAltNames: [String])
        -> Envoy_Config_Core_V3_TransportSocket?
    {
        var context = Envoy_Extensions_TransportSockets_Tls_V3_UpstreamTlsContext()
        var common = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext()
        let sans = tls.subjectAltNames.isEmpty ? subjectAltNames : tls.subjectAltNames
        var validation = Envoy_Extensions_TransportSockets_Tls_V3_CertificateValidationContext()
        validation.matchTypedSubjectAltNames = sans.sorted().map { san in
            var matcher = Envoy_Extensions_TransportSockets_Tls_V3_SubjectAltNameMatcher()
            matcher.sanType = san.hasPrefix("spiffe://") ? .uri : .dns
            matcher.matcher.exact = san
            return matcher
        }
        switch tls.mode {
        case .istioMutual:
            common.tlsCertificateSdsSecretConfigs = [sds("default")]
            var combined = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext.CombinedCertificateValidationContext()
            combined.defaultValidationContext = validation
            combined.validationContextSdsSecretConfig = sds("ROOTCA")
            common.combinedValidationContext = combined
            common.alpnProtocols = ["istio-peer-exchange", "istio"]
            context.sni = tls.sni.isEmpty ? defaultSNI : tls.sni
        case .simple, .mutual:
            if !tls.credentialName.isEmpty {
                if tls.mode == .mutual { common.tlsCertificateSdsSecretConfigs = [sds("kubernetes://\(tls.credentialName)")] }
                var combined = Envoy_Extensions_TransportSockets_Tls_V3_CommonTlsContext.CombinedCertificateValidationContext()
                combined.defaultValidationContext = validation
                combined.validationContextSdsSecretConfig = sds("kubernetes://\(tls.credentialName)-cacert")
                common.combinedValidationContext = combined
            } else {
                if tls.mode == .mutual, !tls.clientCertificate.isEmpty {
                    var certificate = Envoy_Extensions_TransportSockets_Tls_V3_TlsCertificate()
                    certificate.certificateChain = file(tls.clientCertificate)
                    certificate.privateKey = file(tls.privateKey)
                    common.tlsCertificates = [certificate]
                }
                if !tls.caCertificates.isEmpty { validation.trustedCa = file(tls.caCertificates) }
                common.validationContext = validation
            }
            context.sni = tls.sni
        default:
            return nil
        }
        context.commonTlsContext = common
        var socket = Envoy_Config_Core_V3_TransportSocket()
        socket.name = "envoy.transport_sockets.tls"
        guard let any = try? Google_Protobuf_Any(message: context) else { return nil }
        socket.typedConfig = any
        return socket
    }
}
