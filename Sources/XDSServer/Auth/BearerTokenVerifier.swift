import Foundation
import JWTKit

/// Verifies the bearer JWT an Istio agent sends (`authorization: Bearer <token>`, a projected
/// service-account token) offline, against keys given at start, with the checks istiod applies to
/// such tokens: a valid signature by one of the keys, not expired and not before its `nbf`, the
/// issuer when one is configured, an audience among the accepted ones (default `istio-ca`, Istio's
/// `TOKEN_AUDIENCES`), and a subject `system:serviceaccount:NAMESPACE:ACCOUNT`. The identity is
/// `spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/ACCOUNT`.
package struct BearerTokenVerifier: Sendable {
    /// What tokens must say besides being signed by one of the keys.
    package struct Rules: Sendable, Hashable {
        /// The `iss` a token must carry; nil accepts any issuer.
        package var issuer: String?
        /// A token's `aud` must contain one of these.
        package var audiences: [String]
        /// The trust domain of the identity a token proves.
        package var trustDomain: String

        /// Rules from their parts.
        package init(issuer: String? = nil, audiences: [String] = ["istio-ca"], trustDomain: String = "cluster.local") {
            self.issuer = issuer
            self.audiences = audiences
            self.trustDomain = trustDomain
        }
    }

    private let keys: JWTKeyCollection
    /// The rules tokens are checked against.
    package let rules: Rules

    /// A verifier over the keys of a JWKS document (`{"keys": [...]}`).
    /// - Throws: ``XDSAuthConfigurationError`` when the document holds no usable key.
    package init(jwksJSON: String, rules: Rules) async throws(XDSAuthConfigurationError) {
        let keys = JWTKeyCollection()
        do {
            _ = try await keys.add(jwksJSON: jwksJSON)
        } catch {
            throw XDSAuthConfigurationError("the JWKS does not hold usable keys: \(error)")
        }
        self.keys = keys
        self.rules = rules
    }

    /// A verifier over the keys of a JWKS file.
    /// - Throws: ``XDSAuthConfigurationError`` naming the file when it cannot be read or holds no usable key.
    package init(jwksFile path: String, rules: Rules) async throws(XDSAuthConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XDSAuthConfigurationError("cannot read the JWKS file \(path)")
        }
        do {
            try await self.init(jwksJSON: String(decoding: data, as: UTF8.self), rules: rules)
        } catch {
            throw XDSAuthConfigurationError("\(path): \(error.message)")
        }
    }

    /// The identity `token` proves.
    /// - Throws: a ``TokenRejection`` saying why the token was not accepted.
    func identity(of token: String, now: Date = Date()) async throws(TokenRejection) -> SpiffeID {
        let claims: ServiceAccountClaims
        do {
            claims = try await keys.verify(token, as: ServiceAccountClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw TokenRejection("the signature does not verify with the keys of the JWKS")
        } catch let error as JWTError {
            throw TokenRejection("not a token these keys can check (\(error.errorType)\(error.reason.map { ": \($0)" } ?? ""))")
        } catch {
            throw TokenRejection("not a token these keys can check (\(error))")
        }
        return try claims.identity(rules: rules, now: now)
    }
}

/// Why a bearer token was refused.
struct TokenRejection: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The claims of a Kubernetes service-account token that matter here. Signature checks happen in
/// jwt-kit; the claim checks in ``identity(rules:now:)`` (so the rules are not baked into decoding).
struct ServiceAccountClaims: JWTPayload {
    var iss: IssuerClaim?
    var sub: SubjectClaim?
    var aud: AudienceClaim?
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?

    func verify(using _: some JWTAlgorithm) async throws {}

    func identity(rules: BearerTokenVerifier.Rules, now: Date) throws(TokenRejection) -> SpiffeID {
        guard let exp else { throw TokenRejection("the token has no expiry (exp)") }
        guard exp.value > now else { throw TokenRejection("the token expired at \(exp.value)") }
        if let nbf, nbf.value > now { throw TokenRejection("the token is not valid before \(nbf.value)") }
        if let issuer = rules.issuer, iss?.value != issuer {
            throw TokenRejection("the token's issuer \(iss?.value ?? "<none>") is not \(issuer)")
        }
        guard let aud, aud.value.contains(where: rules.audiences.contains) else {
            throw TokenRejection("the token's audiences \(aud?.value ?? []) include none of \(rules.audiences)")
        }
        let parts = (sub?.value ?? "").split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", !parts[2].isEmpty, !parts[3].isEmpty else {
            throw TokenRejection("the token's subject \(sub?.value ?? "<none>") is not system:serviceaccount:NAMESPACE:ACCOUNT")
        }
        return SpiffeID(trustDomain: rules.trustDomain, namespace: String(parts[2]), serviceAccount: String(parts[3]))
    }
}
