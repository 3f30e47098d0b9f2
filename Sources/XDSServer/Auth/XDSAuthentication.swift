package import LibGRPCTransport
import Foundation

/// How the xDS server authenticates streams: what each kind of listener requires, the trust
/// domain client certificates must name, and the keys bearer tokens are checked with.
///
/// Authentication happens when a stream opens (as istiod does); a stream that does not prove an
/// identity the listener requires ends with `UNAUTHENTICATED` before any request is read.
/// Authorization (the node's namespace against the identity) happens when its first request names
/// the node: see ``CallerIdentity/authorize(namespace:serviceAccount:)``.
package struct XDSAuthentication: Sendable {
    /// What the TLS listener requires.
    package var tls: XDSAuthMode
    /// What the plaintext listener requires (`none` or `jwt`: a plaintext peer has no certificate).
    package var plaintext: XDSAuthMode
    /// The trust domain a client certificate's SPIFFE id must name.
    package var trustDomain: String
    /// Checks bearer tokens; nil accepts none.
    package var tokenVerifier: BearerTokenVerifier?
    /// Namespaces whose identities are privileged: over CSDS they see every proxy, where anyone
    /// else sees only the proxies of their own namespaces.
    package var privilegedNamespaces: Set<String>

    /// A policy from its parts.
    package init(
        tls: XDSAuthMode, plaintext: XDSAuthMode = .none, trustDomain: String = "cluster.local",
        tokenVerifier: BearerTokenVerifier? = nil, privilegedNamespaces: Set<String> = ["istio-system"]
    ) {
        self.tls = tls
        self.plaintext = plaintext
        self.trustDomain = trustDomain
        self.tokenVerifier = tokenVerifier
        self.privilegedNamespaces = privilegedNamespaces
    }

    /// No authentication anywhere: every stream is served.
    package static var disabled: XDSAuthentication { XDSAuthentication(tls: .none) }

    /// The mode of the listener a call arrived on.
    package func mode(for context: ServerContext) -> XDSAuthMode {
        context.isTLS ? tls : plaintext
    }

    /// The identity a call proves, or nil on a listener that requires none.
    /// - Throws: `UNAUTHENTICATED` saying what was missing or wrong.
    package func authenticate(_ context: ServerContext) async throws(RPCError) -> CallerIdentity? {
        let mode = mode(for: context)
        guard mode != .none else { return nil }
        var failures: [String] = []
        if mode.acceptsCertificate {
            if let pem = context.peerIdentity?.certificatePEM {
                let ids = try CertificateIdentity.spiffeIDs(inPEM: pem).filter { $0.trustDomain == trustDomain }
                if !ids.isEmpty { return CallerIdentity(identities: ids, proof: .certificate) }
                failures.append("the client certificate has no SPIFFE URI SAN in trust domain \(trustDomain)")
            } else {
                failures.append("no client certificate")
            }
        }
        if mode.acceptsToken {
            if let verifier = tokenVerifier, let token = Self.bearerToken(in: context.metadata) {
                do {
                    return CallerIdentity(identities: [try await verifier.identity(of: token)], proof: .jwt)
                } catch {
                    failures.append("bearer token refused: \(error)")
                }
            } else {
                failures.append(tokenVerifier == nil ? "no JWT keys are configured" : "no bearer token (authorization metadata)")
            }
        }
        let flag = context.isTLS ? "--xds-auth" : "--xds-plaintext-auth"
        throw RPCError(
            code: .unauthenticated,
            message: "authentication failure (\(flag)=\(mode.rawValue)): " + failures.joined(separator: "; ")
        )
    }

    /// Whether `caller` may see the proxies of `namespace` (nil: a stream not yet admitted).
    /// Unauthenticated listeners (caller nil) see everything, like istiod's plaintext port.
    package func may(_ caller: CallerIdentity?, see namespace: String?) -> Bool {
        guard let caller else { return true }
        let namespaces = caller.namespaces
        if !namespaces.isDisjoint(with: privilegedNamespaces) { return true }
        return namespace.map(namespaces.contains) ?? false
    }

    /// The token of an `authorization: Bearer <token>` entry, if any.
    static func bearerToken(in metadata: Metadata) -> String? {
        for value in metadata.values(for: "authorization") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                if !token.isEmpty { return token }
            }
        }
        return nil
    }
}

/// The xDS authentication settings cannot work (a JWKS that does not load, a mode that needs a
/// CA or keys that were not given).
package struct XDSAuthConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    package var message: String
    /// An error with the given message.
    package init(_ message: String) { self.message = message }
    package var description: String { "xDS authentication: \(message)" }
}
