import Foundation
import Mesh
import Testing

@Suite("PeerAuthentication composition")
struct PeerAuthenticationTests {
    static func index(_ yaml: String) -> MeshIndex {
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty, "\(parsed.errors) \(errors)")
        return MeshIndex(snapshot: store.snapshot())
    }

    static func pa(_ name: String, _ namespace: String, _ spec: String, created: String = "2024-01-01T00:00:00Z") -> String {
        """
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: \(name), namespace: \(namespace), creationTimestamp: "\(created)"}
        spec: \(spec)

        """
    }

    @Test("no policy at all is PERMISSIVE")
    func defaultPermissive() {
        let effective = Self.index("").peerAuthentication(namespace: "default", labels: ["app": "a"])
        #expect(effective.mode == .permissive)
        #expect(effective.sources.isEmpty)
    }

    @Test("mesh, namespace and workload levels apply in turn; UNSET inherits")
    func levels() {
        let index = Self.index(
            Self.pa("mesh", "istio-system", "{mtls: {mode: STRICT}}")
                + Self.pa("ns", "default", "{mtls: {mode: UNSET}}")
                + Self.pa("workload", "default", "{selector: {matchLabels: {app: a}}, mtls: {mode: DISABLE}, portLevelMtls: {\"9090\": {mode: STRICT}, \"9091\": {mode: UNSET}}}")
        )
        let other = index.peerAuthentication(namespace: "default", labels: ["app": "b"])
        #expect(other.mode == .strict, "the namespace policy is UNSET: the mesh's STRICT is inherited")
        #expect(other.sources.map(\.name) == ["mesh", "ns"])
        let selected = index.peerAuthentication(namespace: "default", labels: ["app": "a", "version": "v1"])
        #expect(selected.mode == .disable)
        #expect(selected.mode(port: 9090) == .strict)
        #expect(selected.mode(port: 9091) == .disable, "an UNSET port takes the workload mode")
        #expect(selected.mode(port: 8080) == .disable)
        #expect(index.peerAuthentication(namespace: "other", labels: ["app": "a"]).mode == .strict)
    }

    @Test("the oldest policy of a level wins; a root-namespace policy with a selector is ignored")
    func oldestWinsRootSelectorIgnored() {
        let index = Self.index(
            Self.pa("newer", "default", "{mtls: {mode: DISABLE}}", created: "2024-02-01T00:00:00Z")
                + Self.pa("older", "default", "{mtls: {mode: STRICT}}", created: "2024-01-01T00:00:00Z")
                + Self.pa("root-selector", "istio-system", "{selector: {matchLabels: {app: a}}, mtls: {mode: DISABLE}}")
        )
        let effective = index.peerAuthentication(namespace: "default", labels: ["app": "a"])
        #expect(effective.mode == .strict)
        #expect(Set(effective.sources.map(\.name)) == ["newer", "older"], "both candidates are inputs, the ignored one too")
    }

    @Test("clients infer a namespace's mode from its namespace policy, else the mesh's, else PERMISSIVE")
    func namespaceMode() {
        let index = Self.index(Self.pa("mesh", "istio-system", "{mtls: {mode: DISABLE}}") + Self.pa("ns", "secure", "{mtls: {mode: STRICT}}"))
        #expect(index.namespaceMutualTLS(namespace: "secure").mode == .strict)
        #expect(index.namespaceMutualTLS(namespace: "plain").mode == .disable)
        #expect(Self.index("").namespaceMutualTLS(namespace: "any").mode == .permissive)
    }

    @Test("PeerAuthentication and AuthorizationPolicy selectors are label selectors of the mesh")
    func selectorsSplitScopes() {
        let index = Self.index(
            Self.pa("workload", "default", "{selector: {matchLabels: {app: a}}, mtls: {mode: STRICT}}") + """
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ap, namespace: default}
                spec: {selector: {matchLabels: {app: b}}, rules: [{}]}
                """
        )
        #expect(index.labelSelectors.contains(["app": "a"]))
        #expect(index.labelSelectors.contains(["app": "b"]))
        #expect(index.matchingSelectors(["app": "a"]) != index.matchingSelectors(["app": "c"]))
        #expect(index.authorizationPolicies(namespace: "default", labels: ["app": "b"]).map(\.key.name) == ["ap"])
        #expect(index.authorizationPolicies(namespace: "default", labels: ["app": "a"]).isEmpty)
    }
}
