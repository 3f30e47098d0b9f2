import Mesh
import MeshAPI
import Testing

@Suite("Config store")
struct ConfigStoreTests {
    static func serviceEntry(_ name: String, port: UInt32, namespace: String = "default", version: String = "") -> MeshResource {
        var se = Istio_Networking_V1alpha3_ServiceEntry()
        se.hosts = ["\(name).example.com"]
        var p = Istio_Networking_V1alpha3_ServicePort()
        p.number = port
        p.name = "tcp-\(name)"
        se.ports = [p]
        return MeshResource(key: ConfigKey(kind: .serviceEntry, namespace: namespace, name: name), spec: .serviceEntry(se),
                            version: version, source: "test/\(name).yaml#1")
    }

    @Test("a resource that becomes invalid keeps its last valid version; fixing it takes effect")
    func lastValidVersionKept() {
        let store = ConfigStore()
        #expect(store.apply(origin: "a", upserts: [Self.serviceEntry("foo", port: 80)]).isEmpty)
        let errors = store.apply(origin: "a", upserts: [Self.serviceEntry("foo", port: 0)])
        #expect(errors.map(\.field) == ["spec.ports[0].number"])
        #expect(errors.first?.source == "test/foo.yaml#1")
        guard case .serviceEntry(let kept)? = store.snapshot()[Self.serviceEntry("foo", port: 80).key]?.spec else {
            Issue.record("the last valid version must stay in effect")
            return
        }
        #expect(kept.ports[0].number == 80)
        #expect(store.rejections().count == 1)
        #expect(store.apply(origin: "a", upserts: [Self.serviceEntry("foo", port: 81)]).isEmpty)
        #expect(store.rejections().isEmpty)
        if case .serviceEntry(let now)? = store.snapshot()[Self.serviceEntry("foo", port: 81).key]?.spec {
            #expect(now.ports[0].number == 81)
        }
    }

    @Test("a PeerAuthentication with an unknown mode (as MCP decodes it) is rejected by name; the last good one stays")
    func badPeerAuthenticationKeepsLastGood() {
        func pa(_ mode: Istio_Security_V1beta1_PeerAuthentication.MutualTLS.Mode) -> MeshResource {
            var spec = Istio_Security_V1beta1_PeerAuthentication()
            spec.mtls.mode = mode
            return MeshResource(key: ConfigKey(kind: .peerAuthentication, namespace: "istio-system", name: "default"),
                                spec: .peerAuthentication(spec), source: "mcp security.istio.io/v1/PeerAuthentication")
        }
        let store = ConfigStore()
        #expect(store.apply(origin: "mcp", upserts: [pa(.strict)]).isEmpty)
        let errors = store.apply(origin: "mcp", upserts: [pa(.UNRECOGNIZED(7))])
        #expect(errors.map(\.field) == ["spec.mtls.mode"])
        #expect(errors.first?.reason.contains("unknown mTLS mode 7") == true)
        #expect(store.snapshot()[pa(.strict).key]?.spec == pa(.strict).spec, "STRICT stays in effect")
    }

    @Test("an AuthorizationPolicy with a malformed principal is rejected by name; the last good one stays")
    func badAuthorizationPolicyKeepsLastGood() {
        func ap(_ principal: String) -> MeshResource {
            var source = Istio_Security_V1beta1_Source()
            source.principals = [principal]
            var from = Istio_Security_V1beta1_Rule.From()
            from.source = source
            var rule = Istio_Security_V1beta1_Rule()
            rule.from = [from]
            var spec = Istio_Security_V1beta1_AuthorizationPolicy()
            spec.rules = [rule]
            return MeshResource(key: ConfigKey(kind: .authorizationPolicy, namespace: "default", name: "viewer"), spec: .authorizationPolicy(spec))
        }
        let store = ConfigStore()
        #expect(store.apply(origin: "a", upserts: [ap("cluster.local/ns/default/sa/productpage")]).isEmpty)
        let errors = store.apply(origin: "a", upserts: [ap("cluster.local/ns/*/sa/productpage")])
        #expect(errors.map(\.field) == ["spec.rules[0].from[0].source.principals[0]"])
        #expect(errors.first?.reason.hasPrefix("malformed principal") == true)
        #expect(store.snapshot()[ap("x").key]?.spec == ap("cluster.local/ns/default/sa/productpage").spec)
    }

    @Test("an invalid resource never seen valid is not in effect; the others are")
    func invalidNewResource() {
        let store = ConfigStore()
        let errors = store.replace(origin: "a", with: [Self.serviceEntry("good", port: 80), Self.serviceEntry("bad", port: 70000)])
        #expect(errors.count == 1)
        #expect(store.snapshot().count == 1)
    }

    @Test("a resync with the same content (even with a new version) changes nothing")
    func resyncIsNoChange() {
        let store = ConfigStore()
        store.replace(origin: "a", with: [Self.serviceEntry("foo", port: 80, version: "1")])
        let version = store.snapshot().version
        store.replace(origin: "a", with: [Self.serviceEntry("foo", port: 80, version: "2")])
        #expect(store.snapshot().version == version)
    }

    @Test("replace deletes what the origin no longer has, and leaves other origins alone")
    func replaceIsPerOrigin() {
        let store = ConfigStore()
        store.replace(origin: "a", with: [Self.serviceEntry("a1", port: 80), Self.serviceEntry("a2", port: 80)])
        store.replace(origin: "b", with: [Self.serviceEntry("b1", port: 80)])
        store.replace(origin: "a", with: [Self.serviceEntry("a2", port: 80)])
        #expect(Set(store.snapshot().resources.keys.map(\.name)) == ["a2", "b1"])
        store.replace(origin: "b", kinds: [.virtualService], with: [])
        #expect(store.snapshot().count == 2, "a replace limited to other kinds keeps b1")
    }

    @Test("a route to a subset waits for the DestinationRule that defines it")
    func crossReferenceResolvesLater() throws {
        let store = ConfigStore()
        let vs = try Fixtures.resources("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: r, namespace: ns}
            spec: {hosts: [svc], tcp: [{route: [{destination: {host: svc, subset: v1}}]}]}
            """)
        let dr = try Fixtures.resources("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: r, namespace: ns}
            spec: {host: svc.ns.svc.cluster.local, subsets: [{name: v1, labels: {version: v1}}]}
            """)
        let errors = store.apply(origin: "mcp", upserts: vs)
        #expect(errors.first?.reason.contains("no DestinationRule exists for host svc.ns.svc.cluster.local") == true)
        #expect(store.snapshot().count == 0)
        #expect(store.apply(origin: "mcp", upserts: dr).isEmpty)
        #expect(store.snapshot().count == 2)
        #expect(store.rejections().isEmpty)
    }

    @Test("debounce: due after the quiet period, or at the maximum delay when changes keep coming")
    func debounceDeadline() {
        let config = DebounceConfiguration(quietPeriod: .milliseconds(100), maxDelay: .seconds(1))
        let t0 = ContinuousClock.now
        #expect(config.deadline(first: t0, last: t0) == t0 + .milliseconds(100))
        #expect(config.deadline(first: t0, last: t0 + .milliseconds(500)) == t0 + .milliseconds(600))
        #expect(config.deadline(first: t0, last: t0 + .milliseconds(950)) == t0 + .seconds(1))
    }

    @Test("change events come in debounced batches naming every changed key")
    func debouncedBatches() async throws {
        let store = ConfigStore()
        let changes = store.changes(debounce: DebounceConfiguration(quietPeriod: .milliseconds(100), maxDelay: .seconds(5)))
        var iterator = changes.makeAsyncIterator()
        store.apply(origin: "a", upserts: [Self.serviceEntry("one", port: 80)])
        store.apply(origin: "a", upserts: [Self.serviceEntry("two", port: 80)])
        store.apply(origin: "a", upserts: [Self.serviceEntry("two", port: 80)])  // no change
        store.apply(origin: "a", deletes: [Self.serviceEntry("one", port: 80).key])
        let batch = await iterator.next()
        #expect(batch?.keys.map(\.name).sorted() == ["one", "two"])
        #expect(batch?.kinds == [.serviceEntry])
        #expect(batch?.snapshot.count == 1)
    }

    @Test("a steady stream of changes is still delivered by the maximum delay")
    func maxDelay() async throws {
        let store = ConfigStore()
        let changes = store.changes(debounce: DebounceConfiguration(quietPeriod: .milliseconds(200), maxDelay: .milliseconds(300)))
        var iterator = changes.makeAsyncIterator()
        let start = ContinuousClock.now
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<60 {
                    store.apply(origin: "a", upserts: [Self.serviceEntry("s\(i)", port: 80)])
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let first = await iterator.next()
            #expect(first != nil)
            // Delivered while the 3 s burst is still going (the quiet period never comes).
            #expect((first?.keys.count ?? 0) < 60, "delivered after \(ContinuousClock.now - start)")
            group.cancelAll()
        }
    }
}
