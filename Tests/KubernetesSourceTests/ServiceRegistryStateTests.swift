import KubernetesSource
import Mesh
import MeshAPI
import Testing

@Suite("ServiceRegistryState: Services, EndpointSlices and Pods as synthesized ServiceEntries")
struct ServiceRegistryStateTests {
    typealias Collection = ServiceRegistryState.Collection

    static func object(_ namespace: String, _ name: String, rv: String, _ json: String) -> KubernetesObject {
        KubernetesObject(namespace: namespace, name: name, resourceVersion: rv, json: json)
    }

    static func service(_ name: String = "reviews", rv: String = "1", clusterIP: String = "10.96.0.10", type: String = "ClusterIP", extra: String = "") -> KubernetesObject {
        object("demo", name, rv: rv, """
            {"metadata":{"name":"\(name)","namespace":"demo","resourceVersion":"\(rv)","creationTimestamp":"2025-01-01T00:00:00Z",
              "annotations":{"networking.istio.io/exportTo":"., istio-system"}},
             "spec":{"type":"\(type)","clusterIP":"\(clusterIP)","ports":[
               {"name":"http-web","port":80,"targetPort":8080,"protocol":"TCP"},
               {"name":"api","port":9090,"targetPort":"grpc","appProtocol":"kubernetes.io/h2c","protocol":"TCP"},
               {"name":"dns","port":53,"protocol":"UDP"}]\(extra)}}
            """)
    }

    static func slice(_ name: String = "reviews-abc", rv: String = "2", endpoints: [(ip: String, pod: String, ready: Bool?)]) -> KubernetesObject {
        let items = endpoints.map { endpoint in
            let ready = endpoint.ready.map { #","conditions":{"ready":\#($0)}"# } ?? ""
            return #"{"addresses":["\#(endpoint.ip)"],"targetRef":{"kind":"Pod","name":"\#(endpoint.pod)","namespace":"demo"}\#(ready)}"#
        }
        return object("demo", name, rv: rv, """
            {"metadata":{"name":"\(name)","namespace":"demo","resourceVersion":"\(rv)","labels":{"kubernetes.io/service-name":"reviews"}},
             "addressType":"IPv4","endpoints":[\(items.joined(separator: ","))],
             "ports":[{"name":"http-web","port":8080},{"name":"api","port":9091}]}
            """)
    }

    static func pod(_ name: String, version: String, rv: String = "3") -> KubernetesObject {
        object("demo", name, rv: rv, """
            {"metadata":{"name":"\(name)","namespace":"demo","resourceVersion":"\(rv)","labels":{"app":"reviews","version":"\(version)"}},
             "spec":{"serviceAccountName":"bookinfo-reviews"},"status":{"podIP":"10.1.0.1"}}
            """)
    }

    static let key = ConfigKey(kind: .serviceEntry, namespace: "demo", name: "synthetic-reviews")

    static func listed(services: [KubernetesObject], slices: [KubernetesObject], pods: [KubernetesObject]) -> (ServiceRegistryState, WatchState.StoreUpdate) {
        var state = ServiceRegistryState(domainSuffix: "cluster.local")
        #expect(state.relisted(.services, .init(items: services, resourceVersion: "10")) == .none)
        #expect(state.relisted(.endpointSlices, .init(items: slices, resourceVersion: "10")) == .none)
        let update = state.relisted(.pods, .init(items: pods, resourceVersion: "10"))
        return (state, update)
    }

    static func entry(_ update: WatchState.StoreUpdate) -> Istio_Networking_V1alpha3_ServiceEntry? {
        let resources: [MeshResource]
        switch update {
        case .replace(let all): resources = all
        case .apply(let upserts, _): resources = upserts
        case .none: return nil
        }
        guard let resource = resources.first(where: { $0.key == key }), case .serviceEntry(let se) = resource.spec else { return nil }
        return se
    }

    @Test("nothing is published until all three are listed; then the entry carries host, VIP, ports and ready endpoints with Pod labels")
    func firstSync() throws {
        let (state, update) = Self.listed(
            services: [Self.service()],
            slices: [Self.slice(endpoints: [("10.1.0.1", "reviews-v1", true), ("10.1.0.2", "reviews-v2", nil), ("10.1.0.3", "reviews-v3", false)])],
            pods: [Self.pod("reviews-v1", version: "v1"), Self.pod("reviews-v2", version: "v2")]
        )
        #expect(state.resourceVersion(of: .pods) == "10")
        guard case .replace(let resources) = update else { Issue.record("expected replace, got \(update)"); return }
        #expect(resources.map(\.key) == [Self.key])
        #expect(resources[0].version == "1")
        #expect(ConfigValidator().validate(resources[0]).isEmpty, "\(ConfigValidator().validate(resources[0]))")
        let se = try #require(Self.entry(update))
        #expect(se.hosts == ["reviews.demo.svc.cluster.local"])
        #expect(se.addresses == ["10.96.0.10"])
        #expect(se.resolution == .static && se.location == .meshInternal)
        #expect(se.exportTo == [".", "istio-system"])
        #expect(se.ports.map(\.name) == ["http-web", "api", "dns"])
        #expect(se.ports.map(\.protocol) == ["", "HTTP2", "UDP"])
        #expect(se.ports.map(\.targetPort) == [8080, 0, 0])
        #expect(se.endpoints.map(\.address) == ["10.1.0.1", "10.1.0.2"])
        #expect(se.endpoints[0].ports == ["http-web": 8080, "api": 9091])
        #expect(se.endpoints[0].labels == ["app": "reviews", "version": "v1"])
        #expect(se.endpoints[1].labels["version"] == "v2")
        #expect(se.endpoints[0].serviceAccount == "bookinfo-reviews")
        let detected = se.ports.map { MeshProtocol.detect(portName: $0.name, protocol: $0.protocol, codecs: [:]) }
        #expect(detected == [.http, .http2, .udp])
    }

    @Test("a slice change gives an entry that differs in endpoints alone; a Pod relabel reaches the endpoint")
    func endpointChanges() throws {
        var (state, update) = Self.listed(
            services: [Self.service()], slices: [Self.slice(endpoints: [("10.1.0.1", "reviews-v1", true)])],
            pods: [Self.pod("reviews-v1", version: "v1")]
        )
        let before = try #require(Self.entry(update))
        let scaled = state.received(.endpointSlices, .modified(Self.slice(rv: "11", endpoints: [("10.1.0.1", "reviews-v1", true), ("10.1.0.4", "reviews-v4", true)])))
        var after = try #require(Self.entry(scaled))
        #expect(after.endpoints.map(\.address) == ["10.1.0.1", "10.1.0.4"])
        after.endpoints = before.endpoints
        #expect(after == before)
        let relabelled = state.received(.pods, .modified(Self.pod("reviews-v1", version: "v9", rv: "12")))
        #expect(Self.entry(relabelled)?.endpoints.first?.labels["version"] == "v9")
        // A Pod no slice names changes nothing.
        #expect(state.received(.pods, .added(Self.pod("unrelated", version: "v1", rv: "13"))) == .none)
        #expect(state.resourceVersion(of: .pods) == "13")
    }

    @Test("deleting the Service deletes its entry; deleting the slice empties its endpoints")
    func deletes() {
        var (state, _) = Self.listed(services: [Self.service()], slices: [Self.slice(endpoints: [("10.1.0.1", "reviews-v1", true)])], pods: [])
        let emptied = state.received(.endpointSlices, .deleted(Self.slice(rv: "11", endpoints: [])))
        #expect(Self.entry(emptied)?.endpoints == [])
        #expect(state.received(.services, .deleted(Self.service(rv: "12"))) == .apply(upserts: [], deletes: [Self.key]))
    }

    @Test("headless is resolution NONE without addresses; ExternalName is DNS to the external name; no ports is skipped with a reason")
    func serviceTypes() throws {
        let headless = Self.listed(services: [Self.service(clusterIP: "None")], slices: [Self.slice(endpoints: [("10.1.0.1", "p", true)])], pods: [])
        let se = try #require(Self.entry(headless.1))
        #expect(se.resolution == .none && se.addresses.isEmpty && se.endpoints.count == 1)

        let external = Self.listed(services: [Self.service(clusterIP: "", type: "ExternalName", extra: #","externalName":"db.example.com""#)], slices: [], pods: [])
        let ext = try #require(Self.entry(external.1))
        #expect(ext.resolution == .dns && ext.location == .meshExternal && ext.endpoints.map(\.address) == ["db.example.com"])

        let portless = Self.object("demo", "bare", rv: "1", #"{"metadata":{"name":"bare","namespace":"demo"},"spec":{"clusterIP":"10.96.0.11"}}"#)
        let (state, update) = Self.listed(services: [portless], slices: [], pods: [])
        #expect(update == .replace([]))
        #expect(state.skipped["demo/bare"]?.contains("no ports") == true)
    }

    @Test("an unnamed port is named by its number; an appProtocol that names no protocol leaves the name to decide; a second port with one number is dropped")
    func portNaming() throws {
        let service = Self.object("demo", "reviews", rv: "1", """
            {"metadata":{"name":"reviews","namespace":"demo"},"spec":{"clusterIP":"10.96.0.12","ports":[
              {"port":80,"targetPort":"web","protocol":"TCP"},
              {"name":"grpc-api","port":81,"appProtocol":"example.com/custom"},
              {"name":"ws","port":82,"appProtocol":"kubernetes.io/ws"},
              {"name":"dup","port":80,"protocol":"UDP"}]}}
            """)
        let (_, update) = Self.listed(services: [service], slices: [], pods: [])
        let se = try #require(Self.entry(update))
        #expect(se.ports.map(\.name) == ["unnamed-80", "grpc-api", "ws"])
        #expect(se.ports.map(\.protocol) == ["", "", "HTTP"])
        #expect(se.ports.map(\.targetPort) == [0, 0, 0], "a named target port is resolved per endpoint, from the slice")
        let detected = se.ports.map { MeshProtocol.detect(portName: $0.name, protocol: $0.protocol, codecs: [:]) }
        #expect(detected == [.unknown, .grpc, .http])
    }

    @Test("a relist (after 410 Gone) replaces every entry, keeping the unchanged ones equal")
    func relist() {
        var (state, first) = Self.listed(services: [Self.service()], slices: [Self.slice(endpoints: [("10.1.0.1", "reviews-v1", true)])], pods: [])
        state.expire(.endpointSlices)
        #expect(state.resourceVersion(of: .endpointSlices) == nil)
        let again = state.relisted(.endpointSlices, .init(items: [Self.slice(endpoints: [("10.1.0.1", "reviews-v1", true)])], resourceVersion: "20"))
        #expect(again == first)
        #expect(state.resourceVersion(of: .endpointSlices) == "20")
    }
}
