internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Istio's auto mTLS for clusters without DestinationRule TLS (`cluster_tls.go`,
/// `buildUpstreamTLSSettings`), and the endpoint side of it (`tlsMode` EDS metadata).
///
/// A mesh-internal service whose namespace is not DISABLE gets `transport_socket_matches`: Istio
/// mTLS (`tlsMode-istio`) for endpoints labelled `tlsMode: istio`, plaintext (`tlsMode-disabled`)
/// for the others. Original-destination clusters have no endpoints to label and get Istio mTLS as
/// a plain transport socket when every known endpoint has a sidecar, plaintext otherwise.
enum AutoMutualTLS {
    /// The endpoint metadata namespace Envoy matches `transport_socket_matches` against.
    static let matchNamespace = "envoy.transport_socket_match"
    /// The pod label the sidecar injector sets.
    static let tlsModeLabel = "security.istio.io/tlsMode"

    /// Applies auto mTLS to `cluster` when nothing else decided its TLS.
    static func apply(
        to cluster: inout Envoy_Config_Cluster_V3_Cluster, entry: ProxyView.Entry, endpoints: [ServiceEndpoint], sni: String, subjectAltNames: [String]
    ) {
        guard entry.service.location != .meshExternal, entry.namespaceMutualTLS.mode != .disable else { return }
        var settings = Istio_Networking_V1alpha3_ClientTLSSettings()
        settings.mode = .istioMutual
        guard let mtls = UpstreamTLS.transportSocket(settings, defaultSNI: sni, subjectAltNames: subjectAltNames) else { return }
        if cluster.type == .originalDst {
            if !endpoints.isEmpty, endpoints.allSatisfy(hasSidecar) { cluster.transportSocket = mtls }
            return
        }
        var istio = Envoy_Config_Cluster_V3_Cluster.TransportSocketMatch()
        istio.name = "tlsMode-istio"
        istio.match.fields["tlsMode"] = Google_Protobuf_Value(stringValue: "istio")
        istio.transportSocket = mtls
        var plaintext = Envoy_Config_Cluster_V3_Cluster.TransportSocketMatch()
        plaintext.name = "tlsMode-disabled"
        plaintext.match = Google_Protobuf_Struct()
        plaintext.transportSocket.name = "envoy.transport_sockets.raw_buffer"
        if let raw = try? Google_Protobuf_Any(message: Envoy_Extensions_TransportSockets_RawBuffer_V3_RawBuffer()) {
            plaintext.transportSocket.typedConfig = raw
        }
        cluster.transportSocketMatches = [istio, plaintext]
    }

    /// Whether an endpoint runs Istio's sidecar: the injector's label, else (WorkloadEntries and
    /// inline endpoints) a service account.
    static func hasSidecar(_ endpoint: ServiceEndpoint) -> Bool {
        if let label = endpoint.labels[tlsModeLabel] { return label == "istio" }
        return !endpoint.serviceAccount.isEmpty
    }

    /// The SPIFFE identities clients verify: every endpoint's service account and the service's
    /// `subjectAltNames`, in each trust domain of the mesh, sorted.
    static func subjectAltNames(service: MeshService, endpoints: [ServiceEndpoint], trustDomains: [String]) -> [String] {
        let trustDomain = trustDomains.first ?? "cluster.local"
        var identities = Set(service.subjectAltNames)
        for endpoint in endpoints where !endpoint.serviceAccount.isEmpty {
            identities.insert("spiffe://\(trustDomain)/ns/\(endpoint.source.namespace)/sa/\(endpoint.serviceAccount)")
        }
        return UpstreamTLS.expanding(identities.sorted(), trustDomains: trustDomains).sorted()
    }

    /// Whether EDS marks `endpoint` `tlsMode: istio` (`endpoint_builder.go`): the DestinationRule's
    /// TLS mode decides when it sets one (only ISTIO_MUTUAL marks); otherwise the endpoint must have a
    /// sidecar and its own PeerAuthentication must not DISABLE mTLS on its port.
    static func marksIstio(_ endpoint: ServiceEndpoint, ruleMode: Istio_Networking_V1alpha3_ClientTLSSettings.TLSmode?, index: MeshIndex) -> Bool {
        if let ruleMode { return ruleMode == .istioMutual }
        guard hasSidecar(endpoint) else { return false }
        return index.peerAuthentication(namespace: endpoint.source.namespace, labels: endpoint.labels).mode(port: endpoint.port) != .disable
    }
}
