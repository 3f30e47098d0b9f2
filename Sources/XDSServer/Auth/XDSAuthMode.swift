/// What an xDS listener requires of each stream before it serves it.
package enum XDSAuthMode: String, Sendable, Hashable, CaseIterable {
    /// Nothing: every stream is served, with no verified identity (istiod's plaintext 15010).
    case none
    /// A verified client certificate with a SPIFFE URI SAN in the trust domain.
    case mtls
    /// A bearer JWT (`authorization: Bearer …`) verified against the configured keys.
    case jwt
    /// Either: the client certificate when one is presented and valid, else the bearer JWT
    /// (istiod's order on 15012).
    case any

    /// Whether a client certificate is accepted as proof.
    var acceptsCertificate: Bool { self == .mtls || self == .any }
    /// Whether a bearer JWT is accepted as proof.
    var acceptsToken: Bool { self == .jwt || self == .any }
}
