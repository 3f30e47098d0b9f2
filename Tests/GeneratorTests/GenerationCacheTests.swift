import Foundation
import Generator
import Mesh
import Protocols
import Testing
import XDSCache

@Suite("Generation cache")
struct GenerationCacheTests {
    static let base = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: a, namespace: ns, annotations: {interface: com.example.A}}
        spec:
          hosts: [a.ns.svc.cluster.local]
          addresses: [10.96.1.1]
          ports: [{number: 20880, name: tcp-dubbo}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.1, labels: {version: v1}}, {address: 10.1.1.2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: b, namespace: ns}
        spec:
          hosts: [b.ns.svc.cluster.local]
          addresses: [10.96.1.2]
          ports: [{number: 9090, name: tcp-thrift}]
          resolution: STATIC
          endpoints: [{address: 10.1.2.1, labels: {version: v1}}, {address: 10.1.2.2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: a, namespace: ns}
        spec:
          host: a.ns.svc.cluster.local
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: a, namespace: ns}
        spec:
          hosts: [a.ns.svc.cluster.local]
          http:
          - route:
            - {destination: {host: a.ns.svc.cluster.local, subset: v1}, weight: WEIGHT}
            - {destination: {host: a.ns.svc.cluster.local, subset: v2}, weight: REST}
        """

    static func index(weight: Int) throws -> MeshIndex {
        let yaml = base.replacingOccurrences(of: "WEIGHT", with: "\(weight)").replacingOccurrences(of: "REST", with: "\(100 - weight)")
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty)
        return MeshIndex(snapshot: store.snapshot())
    }

    static func versions(_ snapshot: Snapshot) -> [String] {
        snapshot.allResources.map { "\($0.typeURL) \($0.name) \($0.version)" }.sorted()
    }

    @Test("after a VirtualService change only its listener is rebuilt, and the result equals a build without cache")
    func rebuildsOnlyWhatChanged() throws {
        let proxy = try ProxyNode.identity(id: "sidecar~10.9.0.1~client.demo~demo.svc.cluster.local")
        let builder = ProxySnapshotBuilder(registry: .standard)
        let cache = GenerationCache()
        _ = try builder.build(index: Self.index(weight: 80), proxy: proxy, cache: cache).snapshot()
        let first = cache.lastBuild
        #expect(first.reused == 0 && first.rebuilt == 4, "2 service ports + 2 listeners")

        let changed = try Self.index(weight: 50)
        let cached = try builder.build(index: changed, proxy: proxy, cache: cache).snapshot()
        #expect(cache.lastBuild.rebuilt == 1, "only the Dubbo listener of a.ns")
        #expect(cache.lastBuild.reused == 3)
        let fresh = try builder.build(index: changed, proxy: proxy).snapshot()
        #expect(Self.versions(cached) == Self.versions(fresh))

        _ = try builder.build(index: changed, proxy: proxy, cache: cache).snapshot()
        #expect(cache.lastBuild.rebuilt == 0)
    }
}
