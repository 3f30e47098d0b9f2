import Mesh
import MeshAPI
import Testing

@Suite("Mesh index")
struct MeshIndexTests {
    static func index() throws -> MeshIndex {
        MeshIndex(snapshot: try Fixtures.snapshot(try Fixtures.text("index/mesh.yaml")))
    }

    static func proxy(_ namespace: String, labels: [String: String] = [:]) -> ProxyIdentity {
        ProxyIdentity(ipAddresses: ["10.1.1.1"], workloadName: "client", namespace: namespace, labels: labels)
    }

    @Test("every host, address and port of a ServiceEntry, not only the first (Aeraki defect §10.1)")
    func multiHostMultiPort() throws {
        let index = try Self.index()
        let a = try #require(index.services(hostname: "a.dubbo.svc.cluster.local").first)
        let b = try #require(index.services(hostname: "b.dubbo.svc.cluster.local").first)
        #expect(a.addresses == ["240.240.0.1", "240.240.0.2"])
        #expect(b.addresses == a.addresses)
        #expect(a.ports.count == 12)
        #expect(b.ports.map(\.number) == a.ports.map(\.number))
        #expect(a.source == ConfigKey(kind: .serviceEntry, namespace: "dubbo", name: "multi"))
    }

    @Test("protocol per port: second name token, metaprotocol application and codec, appProtocol, Istio names")
    func protocolDetection() throws {
        let index = try Self.index()
        let host = "a.dubbo.svc.cluster.local"
        #expect(index.protocol(hostname: host, port: 9000) == .http)
        #expect(index.protocol(hostname: host, port: 20880) == .dubbo)
        #expect(index.protocol(hostname: host, port: 28001) == .dubbo, "tcp-Dubbo-28001: token is lower-cased")
        #expect(index.protocol(hostname: host, port: 9090) == .thrift, "the first token is not checked")
        #expect(index.protocol(hostname: host, port: 8000) == .metaProtocol(application: "brpc", codec: "aeraki.meta_protocol.codec.brpc"))
        #expect(index.protocol(hostname: host, port: 8001) == .metaProtocol(application: "qza", codec: nil))
        #expect(index.protocol(hostname: host, port: 8002) == .unknown, "tcp-metaprotocol alone: no crash (defect §10.8)")
        #expect(index.protocol(hostname: host, port: 8003) == .unknown, "a bare `dubbo` name is not Aeraki's convention")
        #expect(index.protocol(hostname: host, port: 8004) == .dubbo, "appProtocol / protocol field")
        #expect(index.protocol(hostname: host, port: 8005) == .grpc)
        #expect(index.protocol(hostname: host, port: 6379) == .redis)
        #expect(index.protocol(hostname: host, port: 8006) == .metaProtocol(application: "thrift", codec: "aeraki.meta_protocol.codec.thrift"))
        #expect(MeshProtocol.detect(portName: "tcp-metaprotocol-", protocol: "", codecs: [:]) == .unknown)
    }

    @Test("removing an ApplicationProtocol removes its codec (Aeraki never forgets one)")
    func codecRemoval() throws {
        let store = ConfigStore()
        store.replace(origin: "t", with: try Fixtures.resources(try Fixtures.text("index/mesh.yaml")))
        #expect(MeshIndex(snapshot: store.snapshot()).codecs["brpc"] != nil)
        store.apply(origin: "t", deletes: [ConfigKey(kind: .applicationProtocol, namespace: "", name: "brpc")])
        let index = MeshIndex(snapshot: store.snapshot())
        #expect(index.codecs["brpc"] == nil)
        #expect(index.protocol(hostname: "a.dubbo.svc.cluster.local", port: 8000) == .metaProtocol(application: "brpc", codec: nil))
    }

    @Test("endpoints from WorkloadEntries selected in the same namespace, with per-port-name ports and subsets")
    func endpoints() throws {
        let index = try Self.index()
        let a = try #require(index.services(hostname: "a.dubbo.svc.cluster.local").first)
        let dubbo = index.endpoints(of: a, port: 20880)
        #expect(dubbo.map(\.address).sorted() == ["10.0.0.1", "10.0.0.2"], "the WorkloadEntry in `other` is not selected")
        #expect(dubbo.first { $0.address == "10.0.0.1" }?.port == 30880, "WorkloadEntry port for the port name")
        #expect(dubbo.first { $0.address == "10.0.0.2" }?.port == 20880, "else the service port")
        #expect(dubbo.first { $0.address == "10.0.0.2" }?.weight == 3)
        #expect(dubbo.first { $0.address == "10.0.0.1" }?.locality == "us/east/1a")
        #expect(index.endpoints(of: a, port: 9090).allSatisfy { $0.port == 19090 }, "else the target port")
        let rule = try #require(index.destinationRule(for: a.hostname, proxy: Self.proxy("dubbo")))
        #expect(rule.select(dubbo, subset: "v1")?.map(\.address) == ["10.0.0.1"])
        #expect(rule.select(dubbo, subset: "v2")?.map(\.address) == ["10.0.0.2"], "subset from the merged second rule")
        #expect(rule.select(dubbo, subset: "nope") == nil)
        #expect(index.endpoints(of: a, port: 1).isEmpty)
    }

    @Test("unix socket endpoints get port 0; DNS entries without endpoints resolve their host")
    func specialEndpoints() throws {
        let index = try Self.index()
        let privateService = try #require(index.services(hostname: "private.thrift.svc.cluster.local").first)
        #expect(index.endpoints(of: privateService, port: 9090).map(\.port) == [0])
        let redis = try #require(index.services(hostname: "redis.example.com").first)
        let endpoints = index.endpoints(of: redis, port: 6379)
        #expect(endpoints.map(\.address) == ["redis.example.com"])
        #expect(endpoints.map(\.port) == [16379])
    }

    @Test("exportTo: `.` is private, `~` hides, a namespace list exports to those namespaces")
    func exportTo() throws {
        let index = try Self.index()
        let hosts = { (ns: String) in Set(index.services(visibleTo: Self.proxy(ns)).map(\.hostname)) }
        #expect(hosts("thrift").contains("private.thrift.svc.cluster.local"))
        #expect(!hosts("bookinfo").contains("private.thrift.svc.cluster.local"))
        #expect(!hosts("thrift").contains("hidden.thrift.svc.cluster.local"))
        #expect(!hosts("bookinfo").contains("hidden.thrift.svc.cluster.local"))
        #expect(hosts("bookinfo").contains("shared.thrift.svc.cluster.local"))
        #expect(!hosts("thrift").contains("shared.thrift.svc.cluster.local"))
    }

    @Test("Sidecar scoping: selector beats namespace default beats root default; exclusions apply")
    func sidecarScoping() throws {
        let index = try Self.index()
        // thrift has no Sidecar: the root default imports ./*, istio-system/*, dubbo/*, redis/*.
        let thrift = Set(index.services(visibleTo: Self.proxy("thrift")).map(\.hostname))
        #expect(thrift.contains("thrift-server.thrift.svc.cluster.local"))
        #expect(thrift.contains("a.dubbo.svc.cluster.local"))
        #expect(thrift.contains("redis.example.com"))
        #expect(!thrift.contains("reviews.bookinfo.svc.cluster.local"))
        #expect(index.sidecar(for: Self.proxy("thrift"))?.key.namespace == "istio-system")
        // bookinfo's default imports */* but excludes `other`.
        let bookinfo = index.services(visibleTo: Self.proxy("bookinfo"))
        #expect(bookinfo.contains { $0.hostname == "a.dubbo.svc.cluster.local" })
        #expect(!bookinfo.contains { $0.namespace == "other" })
        // A workload-selected Sidecar wins over the namespace default.
        let thriftOnly = Self.proxy("bookinfo", labels: ["app": "thrift-only"])
        #expect(index.sidecar(for: thriftOnly)?.key.name == "only-thrift")
        #expect(Set(index.services(visibleTo: thriftOnly).map(\.namespace)) == ["thrift"])
    }

    @Test("one service per host name: the proxy's own namespace wins over an older copy elsewhere")
    func duplicateHosts() throws {
        let index = try Self.index()
        #expect(index.services(hostname: "reviews.bookinfo.svc.cluster.local").count == 2)
        let seen = index.services(visibleTo: Self.proxy("bookinfo")).filter { $0.hostname == "reviews.bookinfo.svc.cluster.local" }
        #expect(seen.map(\.namespace) == ["bookinfo"])
        let fromDubbo = ProxyIdentity(ipAddresses: ["10.1.1.1"], workloadName: "c", namespace: "dubbo")
        #expect(index.services(visibleTo: fromDubbo).filter { $0.hostname.hasPrefix("reviews") }.isEmpty, "root Sidecar does not import bookinfo")
    }

    @Test("synthetic ServiceEntries (Kubernetes Services) are services like any other")
    func syntheticServices() throws {
        let index = try Self.index()
        let service = try #require(index.services(hostname: "thrift-server.thrift.svc.cluster.local").first)
        #expect(service.isSynthetic)
        #expect(service.serviceName == "thrift-server")
        #expect(service.addresses == ["10.96.0.10"])
        #expect(service.ports.first?.protocol == .thrift)
    }

    @Test("VirtualServices: short names expanded, exportTo and gateway binding honoured")
    func virtualServices() throws {
        let index = try Self.index()
        let host = "reviews.bookinfo.svc.cluster.local"
        let local = index.virtualServices(for: host, proxy: Self.proxy("bookinfo"))
        #expect(local.map(\.key.name).sorted() == ["reviews", "reviews-private"], "gateway-only VS excluded")
        let reviews = try #require(local.first { $0.key.name == "reviews" })
        #expect(reviews.hosts == [host])
        #expect(reviews.spec.tcp[0].route[0].destination.host == host)
        #expect(reviews.spec.tcp[0].route[1].destination.host == "ratings.other.svc.cluster.local")
        let remote = index.virtualServices(for: host, proxy: Self.proxy("thrift", labels: [:]))
        #expect(remote.isEmpty, "not imported by the root Sidecar")
        let gateway = try #require(index.virtualServices.first { $0.key.name == "reviews-gateway" })
        #expect(gateway.gateways == ["bookinfo/ingress"])
        #expect(!gateway.appliesToSidecars)
    }

    @Test("mirror and mirrors destinations are expanded like route destinations")
    func mirrorShortNames() throws {
        let yaml = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: mirrored, namespace: shop}
            spec:
              hosts: [cart]
              http:
              - route: [{destination: {host: cart}}]
                mirror: {host: cart-shadow}
                mirrors: [{destination: {host: cart-audit}}]
            """
        let index = MeshIndex(snapshot: try Fixtures.snapshot(yaml))
        let vs = try #require(index.virtualServices.first { $0.key.name == "mirrored" })
        #expect(vs.spec.http[0].mirror.host == "cart-shadow.shop.svc.cluster.local")
        #expect(vs.spec.http[0].mirrors[0].destination.host == "cart-audit.shop.svc.cluster.local")
    }

    @Test("DestinationRules: the proxy's namespace, then the service's, then the root; same-namespace rules merge")
    func destinationRules() throws {
        let index = try Self.index()
        let host = "a.dubbo.svc.cluster.local"
        let fromDubbo = try #require(index.destinationRule(for: host, proxy: Self.proxy("dubbo")))
        #expect(fromDubbo.sources.map(\.name) == ["multi", "multi-more"])
        #expect(fromDubbo.subsets.map(\.name) == ["v1", "v2"])
        #expect(fromDubbo.subset(named: "v1")?.labels == ["version": "v1"], "a duplicate subset keeps the first")
        #expect(fromDubbo.trafficPolicy?.loadBalancer.simple == .roundRobin, "the first rule's policy wins")
        let fromOther = try #require(index.destinationRule(for: host, proxy: Self.proxy("other")))
        #expect(fromOther.sources.map(\.name) == ["multi-for-other"])
        let fromThrift = try #require(index.destinationRule(for: host, proxy: Self.proxy("thrift")))
        #expect(fromThrift.namespace == "dubbo")
        let thriftHost = try #require(index.destinationRule(for: "thrift-server.thrift.svc.cluster.local", proxy: Self.proxy("thrift")))
        #expect(thriftHost.namespace == "istio-system", "root namespace wildcard rule")
        #expect(index.destinationRule(for: "redis.example.com", proxy: Self.proxy("thrift")) == nil)
        let reviews = try #require(index.destinationRule(for: "reviews.bookinfo.svc.cluster.local", proxy: Self.proxy("bookinfo")))
        #expect(reviews.host == "reviews.bookinfo.svc.cluster.local", "short DR host expanded")
    }

    @Test("traffic policy per port and subset: port-level replaces, subset overrides")
    func trafficPolicyMerge() throws {
        let index = try Self.index()
        let rule = try #require(index.destinationRule(for: "a.dubbo.svc.cluster.local", proxy: Self.proxy("dubbo")))
        #expect(rule.trafficPolicy(port: 9000)?.loadBalancer.simple == .roundRobin)
        #expect(rule.trafficPolicy(port: 9000)?.connectionPool.tcp.maxConnections == 100)
        let port = try #require(rule.trafficPolicy(port: 20880))
        #expect(port.loadBalancer.simple == .random)
        #expect(!port.hasConnectionPool, "port-level settings replace the pool too")
        #expect(rule.trafficPolicy(port: 9000, subset: "v2")?.loadBalancer.simple == .passthrough)
        #expect(rule.trafficPolicy(port: 9000, subset: "v2")?.connectionPool.tcp.maxConnections == 100)
    }

    @Test("MetaRouters by host, scoped by exportTo")
    func metaRouters() throws {
        let index = try Self.index()
        #expect(index.metaRouters(for: "b.dubbo.svc.cluster.local").count == 1)
        #expect(index.metaRouters(for: "b.dubbo.svc.cluster.local", proxy: Self.proxy("dubbo")).count == 1)
        #expect(index.metaRouters(for: "b.dubbo.svc.cluster.local", proxy: Self.proxy("thrift")).isEmpty)
    }

    @Test("short names resolve to name.namespace.svc.cluster.local; FQDNs and wildcards do not change")
    func shortNames() {
        #expect(HostName.resolve("reviews", namespace: "bookinfo") == "reviews.bookinfo.svc.cluster.local")
        #expect(HostName.resolve("reviews.bookinfo", namespace: "x") == "reviews.bookinfo")
        #expect(HostName.resolve("*", namespace: "x") == "*")
        #expect(HostName.resolve("*.foo.com", namespace: "x") == "*.foo.com")
        #expect(HostName.matches("*.foo.com", "a.b.foo.com"))
        #expect(!HostName.matches("*.foo.com", "foo.com"))
    }
}
