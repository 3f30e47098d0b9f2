import EnvoyAPI
import Foundation
import JWTKit
import LibGRPCTransport
import Testing
@testable import XDSServer

@Suite("xDS authentication and authorization")
struct XDSAuthTests {
    @Test("SPIFFE ids parse only in Istio's exact form")
    func spiffe() {
        let id = SpiffeID(uri: "spiffe://cluster.local/ns/demo/sa/reviews")
        #expect(id == SpiffeID(trustDomain: "cluster.local", namespace: "demo", serviceAccount: "reviews"))
        #expect(id?.description == "spiffe://cluster.local/ns/demo/sa/reviews")
        for bad in [
            "spiffe://cluster.local/ns/demo", "spiffe://cluster.local/ns/demo/sa/x/extra", "spiffe://cluster.local/sa/x/ns/demo",
            "spiffe://cluster.local/ns//sa/x", "https://cluster.local/ns/demo/sa/x", "spiffe:///ns/demo/sa/x",
        ] {
            #expect(SpiffeID(uri: bad) == nil, "\(bad)")
        }
    }

    @Test("authorization needs an identity of the node's namespace, and of its service account when named")
    func authorize() throws {
        let caller = CallerIdentity(
            identities: [SpiffeID(trustDomain: "cluster.local", namespace: "demo", serviceAccount: "reviews")], proof: .certificate
        )
        try caller.authorize(namespace: "demo", serviceAccount: nil)
        try caller.authorize(namespace: "demo", serviceAccount: "reviews")
        try caller.authorize(namespace: "demo", serviceAccount: "")
        for (namespace, account, wanted) in [("other", nil, "other"), ("demo", "ratings", "demo/ratings"), ("", nil, "<no namespace>")] {
            let error = #expect(throws: RPCError.self) { try caller.authorize(namespace: namespace, serviceAccount: account) }
            #expect(error?.code == .permissionDenied)
            #expect(error?.message == "authorization failed: no identities ([spiffe://cluster.local/ns/demo/sa/reviews]) matched \(wanted)")
        }
    }

    @Test("over CSDS a caller sees its own namespaces, a privileged one everything, an unauthenticated listener everything")
    func visibility() {
        let policy = XDSAuthentication(tls: .any, privilegedNamespaces: ["istio-system"])
        let demo = CallerIdentity(identities: [SpiffeID(trustDomain: "td", namespace: "demo", serviceAccount: "a")], proof: .jwt)
        let system = CallerIdentity(identities: [SpiffeID(trustDomain: "td", namespace: "istio-system", serviceAccount: "a")], proof: .jwt)
        #expect(policy.may(demo, see: "demo"))
        #expect(!policy.may(demo, see: "other"))
        #expect(!policy.may(demo, see: nil))
        #expect(policy.may(system, see: "other") && policy.may(system, see: nil))
        #expect(policy.may(nil, see: "other"))
    }

    @Test("a listener that requires an identity refuses a call without one, naming what was missing")
    func unauthenticated() async throws {
        let context = ServerContext(method: "/m", metadata: [:], peer: "ipv4:10.0.0.1:1", isTLS: true, peerIdentity: nil)
        #expect(try await XDSAuthentication(tls: .none).authenticate(context) == nil)
        let mtls = await #expect(throws: RPCError.self) { try await XDSAuthentication(tls: .mtls).authenticate(context) }
        #expect(mtls?.code == .unauthenticated)
        #expect(mtls?.message == "authentication failure (--xds-auth=mtls): no client certificate")
        let any = await #expect(throws: RPCError.self) { try await XDSAuthentication(tls: .any).authenticate(context) }
        #expect(any?.message == "authentication failure (--xds-auth=any): no client certificate; no JWT keys are configured")
        // The plaintext listener's mode applies to plaintext calls.
        var plaintext = context
        plaintext.isTLS = false
        #expect(try await XDSAuthentication(tls: .mtls).authenticate(plaintext) == nil)
    }

    @Test("the bearer token is read from authorization metadata, case-insensitively")
    func bearer() {
        #expect(XDSAuthentication.bearerToken(in: ["authorization": "Bearer abc.def.ghi"]) == "abc.def.ghi")
        #expect(XDSAuthentication.bearerToken(in: ["authorization": "bearer  abc"]) == "abc")
        #expect(XDSAuthentication.bearerToken(in: ["authorization": "Basic abc"]) == nil)
        #expect(XDSAuthentication.bearerToken(in: ["authorization": "Bearer "]) == nil)
        #expect(XDSAuthentication.bearerToken(in: [:]) == nil)
    }

    @Test("service-account token claims: expiry, not-before, issuer, audience and subject are all checked")
    func claims() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let rules = BearerTokenVerifier.Rules(issuer: "https://k8s", audiences: ["istio-ca"], trustDomain: "example.org")
        func claims(
            iss: String? = "https://k8s", sub: String? = "system:serviceaccount:demo:reviews", aud: [String]? = ["istio-ca"],
            exp: Double? = 1_800_000_600, nbf: Double? = 1_799_999_000
        ) -> ServiceAccountClaims {
            ServiceAccountClaims(
                iss: iss.map { IssuerClaim(value: $0) }, sub: sub.map { SubjectClaim(value: $0) },
                aud: aud.map { AudienceClaim(value: $0) },
                exp: exp.map { ExpirationClaim(value: Date(timeIntervalSince1970: $0)) },
                nbf: nbf.map { NotBeforeClaim(value: Date(timeIntervalSince1970: $0)) }
            )
        }
        #expect(try claims().identity(rules: rules, now: now).description == "spiffe://example.org/ns/demo/sa/reviews")
        let refused: [(ServiceAccountClaims, String)] = [
            (claims(exp: 1_799_999_999), "expired"),
            (claims(exp: nil), "no expiry"),
            (claims(nbf: 1_800_000_100), "not valid before"),
            (claims(iss: "https://other"), "issuer https://other is not https://k8s"),
            (claims(iss: nil), "issuer <none>"),
            (claims(aud: ["kubernetes"]), "audiences [\"kubernetes\"] include none of [\"istio-ca\"]"),
            (claims(sub: "system:serviceaccount:demo"), "is not system:serviceaccount:NAMESPACE:ACCOUNT"),
            (claims(sub: "user:alice"), "is not system:serviceaccount"),
            (claims(sub: "system:serviceaccount::reviews"), "is not system:serviceaccount"),
        ]
        for (token, reason) in refused {
            let error = #expect(throws: TokenRejection.self) { try token.identity(rules: rules, now: now) }
            #expect(error?.description.contains(reason) == true, "\(error?.description ?? "") should say \(reason)")
        }
        // Without a configured issuer any issuer is accepted.
        let anyIssuer = BearerTokenVerifier.Rules(audiences: ["istio-ca"], trustDomain: "example.org")
        #expect(try claims(iss: "https://other").identity(rules: anyIssuer, now: now).namespace == "demo")
    }

    @Test("a JWKS without usable keys is a configuration error")
    func badJWKS() async {
        let error = await #expect(throws: XDSAuthConfigurationError.self) {
            _ = try await BearerTokenVerifier(jwksJSON: "{\"keys\": 7}", rules: .init())
        }
        #expect(error?.message.contains("the JWKS does not hold usable keys") == true)
        let missing = await #expect(throws: XDSAuthConfigurationError.self) {
            _ = try await BearerTokenVerifier(jwksFile: "/nonexistent/jwks.json", rules: .init())
        }
        #expect(missing?.message == "cannot read the JWKS file /nonexistent/jwks.json")
    }
}
