@testable import AerakiServer
import Mesh
import Testing
import XDSCache

@Suite("The mesh generator behind aeraki serve")
struct MeshSnapshotGeneratorTests {
    static let mesh = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: echo, namespace: demo}
        spec:
          hosts: [echo.demo.svc.cluster.local]
          ports: [{number: 9000, name: tcp-echo, protocol: TCP}]
          resolution: STATIC
          endpoints: [{address: 10.9.0.1}]
        """

    static var index: MeshIndex {
        MeshIndex(snapshot: ConfigSnapshot(MeshYAMLParser().parse(mesh, source: "mesh.yaml").resources))
    }

    @Test("replicas with the same view share one build; a proxy that is an endpoint gets its own")
    func sharing() throws {
        let generator = MeshSnapshotGenerator()
        let a = ProxyIdentity(ipAddresses: ["10.1.0.1"], workloadName: "client-a", namespace: "demo", labels: ["app": "client"])
        let b = ProxyIdentity(ipAddresses: ["10.1.0.2"], workloadName: "client-b", namespace: "demo", labels: ["app": "client"])
        let server = ProxyIdentity(ipAddresses: ["10.9.0.1"], workloadName: "echo-1", namespace: "demo", labels: ["app": "client"])
        let results = generator.snapshots(for: [a, b, server], index: Self.index)
        let snapshots = try results.map { try $0.get() }
        let cds = snapshots.map { $0.resources(TypeURL.cluster).id }
        #expect(cds[0] == cds[1])
        #expect(cds[2] != cds[0])
        // Sharing changes nothing: each equals its own build.
        for (proxy, shared) in zip([a, b, server], snapshots) {
            let own = try generator.snapshot(for: proxy, index: Self.index)
            #expect(own.sameContent(as: shared))
        }
        #expect(snapshots[2].resources(TypeURL.listener).count >= snapshots[0].resources(TypeURL.listener).count)
    }

    @Test("proxies in different namespaces or with different labels are built apart")
    func keys() {
        let addresses: Set<String> = ["10.9.0.1"]
        let a = MeshSnapshotGenerator.ViewKey(ProxyIdentity(ipAddresses: ["10.1.0.1"], workloadName: "x", namespace: "a"), endpointAddresses: addresses)
        let b = MeshSnapshotGenerator.ViewKey(ProxyIdentity(ipAddresses: ["10.1.0.1"], workloadName: "x", namespace: "b"), endpointAddresses: addresses)
        let labelled = MeshSnapshotGenerator.ViewKey(
            ProxyIdentity(ipAddresses: ["10.1.0.1"], workloadName: "x", namespace: "a", labels: ["v": "2"]), endpointAddresses: addresses
        )
        let otherIP = MeshSnapshotGenerator.ViewKey(ProxyIdentity(ipAddresses: ["10.1.0.7"], workloadName: "y", namespace: "a"), endpointAddresses: addresses)
        let v6 = MeshSnapshotGenerator.ViewKey(ProxyIdentity(ipAddresses: ["fd00::1"], workloadName: "y", namespace: "a"), endpointAddresses: addresses)
        #expect(a != b && a != labelled && a != v6)
        #expect(a == otherIP)
    }
}
