import EnvoyAPI
@testable import Generator
import Testing

/// Istio's value forms → Envoy matchers (`security/authz/matcher`, trust domain migration).
@Suite("RBAC matchers")
struct RBACMatchersTests {
    static func name(_ principal: Envoy_Config_Rbac_V3_Principal) -> Envoy_Type_Matcher_V3_StringMatcher {
        principal.authenticated.principalName
    }

    @Test("principals: * is any SPIFFE id, prefix*, *suffix (regex, quoted) and exact, with spiffe:// prepended")
    func principalForms() {
        let domains = ["cluster.local"]
        #expect(Self.name(RBACMatchers.principals(["*"], trustDomains: domains)[0]).safeRegex.regex == ".+")
        #expect(Self.name(RBACMatchers.principals(["cluster.local/ns/a/*"], trustDomains: domains)[0]).prefix == "spiffe://cluster.local/ns/a/")
        #expect(Self.name(RBACMatchers.principals(["*/sa/x.y"], trustDomains: domains)[0]).safeRegex.regex == "spiffe://.*/sa/x\\.y")
        #expect(Self.name(RBACMatchers.principals(["td/ns/a/sa/b"], trustDomains: domains)[0]).exact == "spiffe://td/ns/a/sa/b")
    }

    @Test("a principal of the local trust domain, an alias or cluster.local is written once per trust domain")
    func trustDomainMigration() {
        let domains = ["new.td", "old.td"]
        let expanded = RBACMatchers.principals(["cluster.local/ns/a/sa/b"], trustDomains: domains).map { Self.name($0).exact }
        #expect(expanded == ["spiffe://new.td/ns/a/sa/b", "spiffe://old.td/ns/a/sa/b"])
        #expect(RBACMatchers.principals(["other.td/ns/a/sa/b"], trustDomains: domains).count == 1)
    }

    @Test("namespaces, service accounts and trust domains become SPIFFE id matches")
    func identityForms() {
        #expect(Self.name(RBACMatchers.namespace("prod-*")).safeRegex.regex == ".*/ns/prod-.*/.*")
        #expect(Self.name(RBACMatchers.serviceAccount("sa", policyNamespace: "ns")).safeRegex.regex == "spiffe://.+/ns/ns/(.+/|)sa/sa(/.+)?")
        #expect(Self.name(RBACMatchers.serviceAccount("other/sa", policyNamespace: "ns")).safeRegex.regex == "spiffe://.+/ns/other/(.+/|)sa/sa(/.+)?")
        #expect(Self.name(RBACMatchers.trustDomain("td.example")).prefix == "spiffe://td.example/")
        #expect(Self.name(RBACMatchers.trustDomain("td*")).prefix == "spiffe://td")
        #expect(Self.name(RBACMatchers.trustDomain("*.example")).safeRegex.regex == "spiffe://.*\\.example/.*")
        #expect(Self.name(RBACMatchers.trustDomain("*")).prefix == "spiffe://")
    }
}
