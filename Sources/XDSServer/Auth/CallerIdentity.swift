package import LibGRPCTransport

/// Who opened an authenticated xDS stream, and how they proved it.
package struct CallerIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The proof the caller gave.
    package enum Proof: String, Sendable, Hashable {
        /// A verified client certificate.
        case certificate
        /// A verified bearer JWT.
        case jwt
    }

    /// The caller's SPIFFE identities (every SPIFFE URI SAN of the certificate, or the one the
    /// token names).
    package var identities: [SpiffeID]
    /// How they were proved.
    package var proof: Proof

    /// An identity from its parts.
    package init(identities: [SpiffeID], proof: Proof) {
        self.identities = identities
        self.proof = proof
    }

    /// The namespaces the caller's identities belong to.
    package var namespaces: Set<String> { Set(identities.map(\.namespace)) }

    package var description: String {
        "\(proof.rawValue) [" + identities.map(\.description).joined(separator: ", ") + "]"
    }

    /// Checks that the caller may receive the config of a proxy in `namespace` (with service
    /// account `serviceAccount`, when the node names one), as istiod's `checkConnectionIdentity`
    /// does: some identity must have that namespace and, when given, that service account. The
    /// trust domain was checked at authentication. An empty namespace never matches (istiod skips
    /// the check then; a node that names no namespace could otherwise claim any).
    /// - Throws: `PERMISSION_DENIED` saying which identities did not match what.
    package func authorize(namespace: String, serviceAccount: String?) throws(RPCError) {
        let matched = identities.contains { identity in
            !namespace.isEmpty && identity.namespace == namespace
                && (serviceAccount.map { $0.isEmpty || $0 == identity.serviceAccount } ?? true)
        }
        guard !matched else { return }
        let wanted = serviceAccount.flatMap { $0.isEmpty ? nil : "\(namespace)/\($0)" } ?? (namespace.isEmpty ? "<no namespace>" : namespace)
        throw RPCError(
            code: .permissionDenied,
            message: "authorization failed: no identities ([\(identities.map(\.description).joined(separator: ", "))]) matched \(wanted)"
        )
    }
}
