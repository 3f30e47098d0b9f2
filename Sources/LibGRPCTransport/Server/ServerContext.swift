/// What a handler knows about its RPC besides the messages.
public struct ServerContext: Sendable {
    /// The full method path, `/package.Service/Method`.
    public var method: String
    /// The request metadata (for example `authorization`).
    public var metadata: Metadata
    /// The peer's address as core reports it (`ipv4:127.0.0.1:53422`).
    public var peer: String
    /// Whether the call arrived over TLS (the listener had TLS credentials).
    public var isTLS: Bool
    /// The verified TLS identity of the peer; nil on plaintext connections or when the peer sent no
    /// client certificate.
    public var peerIdentity: PeerIdentity?

    /// A context with the given values.
    public init(method: String, metadata: Metadata, peer: String, isTLS: Bool = false, peerIdentity: PeerIdentity?) {
        self.method = method
        self.metadata = metadata
        self.peer = peer
        self.isTLS = isTLS
        self.peerIdentity = peerIdentity
    }
}

/// The identity a peer proved with its client certificate (mutual TLS).
public struct PeerIdentity: Sendable, Hashable {
    /// The certificate's subject, as core formats it (`CN=test-client,O=...`).
    public var subject: String?
    /// The subject's common name.
    public var commonName: String?
    /// Every subject alternative name (DNS names, URIs, IP addresses, e-mail addresses).
    public var subjectAlternativeNames: [String]
    /// The verified leaf certificate, PEM, as core's auth context holds it (`x509_pem_cert`), for
    /// callers that parse it themselves.
    public var certificatePEM: String?

    /// The SPIFFE ID (`spiffe://trust-domain/ns/NAMESPACE/sa/ACCOUNT`) among the URI SANs, if any.
    public var spiffeID: String? {
        subjectAlternativeNames.first { $0.hasPrefix("spiffe://") }
    }

    /// An identity with the given fields.
    public init(subject: String?, commonName: String?, subjectAlternativeNames: [String], certificatePEM: String? = nil) {
        self.subject = subject
        self.commonName = commonName
        self.subjectAlternativeNames = subjectAlternativeNames
        self.certificatePEM = certificatePEM
    }
}
