import KubernetesSource
import Mesh
import Testing

@Suite("WatchState: what lists and watch events mean for the store")
struct WatchStateTests {
    static let resource = APIResource.aeraki[0]

    static func router(_ name: String, host: String = "a.demo.svc.cluster.local", rv: String, extra: String = "") -> KubernetesObject {
        let json = """
            {"apiVersion":"metaprotocol.aeraki.io/v1alpha1","kind":"MetaRouter",
             "metadata":{"name":"\(name)","namespace":"demo","resourceVersion":"\(rv)","generation":1},
             "spec":{"hosts":["\(host)"],"routes":[{"route":[{"destination":{"host":"\(host)"}}]}]\(extra)}}
            """
        return KubernetesObject(namespace: "demo", name: name, resourceVersion: rv, generation: 1, json: json)
    }

    static func key(_ name: String) -> ConfigKey { ConfigKey(kind: .metaRouter, namespace: "demo", name: name) }

    @Test("a list replaces the kind's set and sets the resource version to watch from")
    func list() {
        var state = WatchState(resource: Self.resource)
        #expect(state.resourceVersion == nil)
        let update = state.relisted(.init(items: [Self.router("a", rv: "5"), Self.router("b", rv: "6")], resourceVersion: "7"))
        guard case .replace(let resources) = update else { Issue.record("expected replace, got \(update)"); return }
        #expect(resources.map(\.key) == [Self.key("a"), Self.key("b")])
        #expect(resources[0].source == "kubernetes metaprotocol.aeraki.io/v1alpha1/metarouters demo/a")
        #expect(resources[0].version == "5")
        #expect(state.resourceVersion == "7")
    }

    @Test("events upsert and delete, and move the resource version; bookmarks only move it")
    func events() {
        var state = WatchState(resource: Self.resource)
        _ = state.relisted(.init(items: [], resourceVersion: "1"))
        guard case .apply(let upserts, let deletes) = state.received(.added(Self.router("a", rv: "2"))) else { Issue.record("expected apply"); return }
        #expect(upserts.map(\.key) == [Self.key("a")] && deletes.isEmpty)
        #expect(state.received(.bookmark(resourceVersion: "9")) == .none)
        #expect(state.resourceVersion == "9")
        #expect(state.received(.deleted(Self.router("a", rv: "10"))) == .apply(upserts: [], deletes: [Self.key("a")]))
        #expect(state.resourceVersion == "10")
        #expect(state.objects.isEmpty)
    }

    @Test("an object that stops decoding keeps its last good version, also through a relist")
    func lastGood() {
        var state = WatchState(resource: Self.resource)
        _ = state.relisted(.init(items: [Self.router("a", rv: "2")], resourceVersion: "2"))
        let broken = Self.router("a", rv: "3", extra: ",\"routez\":[]")
        #expect(state.received(.modified(broken)) == .none)
        #expect(state.decodeErrors[Self.key("a")]?.first?.field == "spec.routez")
        guard case .replace(let resources) = state.relisted(.init(items: [broken], resourceVersion: "4")) else {
            Issue.record("expected replace"); return
        }
        #expect(resources.map(\.version) == ["2"], "the last good version stays in effect")
        #expect(state.received(.modified(Self.router("a", rv: "5"))) != .none)
        #expect(state.decodeErrors.isEmpty)
    }

    @Test("410 Gone means list again")
    func expire() {
        var state = WatchState(resource: Self.resource)
        _ = state.relisted(.init(items: [], resourceVersion: "1"))
        state.expire()
        #expect(state.resourceVersion == nil)
        #expect(KubernetesAPIError.gone(path: "/x", message: "too old").needsRelist)
        #expect(!KubernetesAPIError.transport(path: "/x", reason: "refused").needsRelist)
    }

    @Test("cluster-scoped kinds have no namespace in their key")
    func clusterScoped() {
        let resource = APIResource.aeraki.first { $0.kind == .applicationProtocol }!
        var state = WatchState(resource: resource)
        let json = """
            {"apiVersion":"metaprotocol.aeraki.io/v1alpha1","kind":"ApplicationProtocol","metadata":{"name":"brpc","resourceVersion":"3"},
             "spec":{"protocol":"brpc","codec":"aeraki.meta_protocol.codec.brpc"}}
            """
        let update = state.received(.added(KubernetesObject(namespace: "", name: "brpc", resourceVersion: "3", json: json)))
        #expect(update == .apply(upserts: state.lastGood.values.map { $0 }, deletes: []))
        #expect(state.lastGood.keys.first == ConfigKey(kind: .applicationProtocol, namespace: "", name: "brpc"))
        #expect(resource.statusPath(namespace: "", name: "brpc") == "/apis/metaprotocol.aeraki.io/v1alpha1/applicationprotocols/brpc/status")
    }
}
