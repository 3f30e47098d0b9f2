import LibGRPCTransport
import SwiftASN1
import X509

/// Reads the SPIFFE identities out of a verified client certificate (swift-certificates).
enum CertificateIdentity {
    /// Every URI SAN of the PEM leaf that is a SPIFFE id (`spiffe://TD/ns/NS/sa/SA`), in order.
    /// - Throws: `UNAUTHENTICATED` when the certificate or its SAN extension does not parse.
    static func spiffeIDs(inPEM pem: String) throws(RPCError) -> [SpiffeID] {
        let names: SubjectAlternativeNames?
        do {
            names = try Certificate(pemEncoded: pem).extensions.subjectAlternativeNames
        } catch {
            throw RPCError(code: .unauthenticated, message: "authentication failure: the client certificate does not parse: \(error)")
        }
        return (names ?? SubjectAlternativeNames([])).compactMap { name in
            guard case .uniformResourceIdentifier(let uri) = name else { return nil }
            return SpiffeID(uri: uri)
        }
    }
}
