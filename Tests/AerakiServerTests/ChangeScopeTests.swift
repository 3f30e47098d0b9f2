@testable import AerakiServer
import Foundation
import Mesh
import Testing

@Suite("Which proxies a change affects")
struct ChangeScopeTests {
    static func snapshot(_ yaml: String) -> ConfigSnapshot {
        let parsed = MeshYAMLParser().parse(yaml, source: "test.yaml")
        return ConfigSnapshot(parsed.resources)
    }

    static let services = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: private, namespace: a}
        spec:
          hosts: [private.a.svc.cluster.local]
          exportTo: ["."]
          ports: [{number: 9000, name: tcp-echo, protocol: TCP}]
          resolution: STATIC
          endpoints: [{address: 10.0.0.1}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: shared, namespace: a}
        spec:
          hosts: [shared.a.svc.cluster.local]
          ports: [{number: 9000, name: tcp-echo, protocol: TCP}]
          resolution: STATIC
          endpoints: [{address: 10.0.0.2}]
        """

    static func rule(host: String, name: String = "rule") -> String {
        "\n" + """
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: \(name), namespace: a}
        spec:
          host: \(host)
          trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}
        """
    }

    let inA = ProxyIdentity(ipAddresses: ["10.1.0.1"], workloadName: "client", namespace: "a")
    let inB = ProxyIdentity(ipAddresses: ["10.1.0.2"], workloadName: "client", namespace: "b")

    func scope(from old: String, to new: String) -> (ChangeScope, MeshIndex, MeshIndex) {
        let before = Self.snapshot(old)
        let after = Self.snapshot(new)
        let keys = Set(before.resources.keys).union(after.resources.keys).filter { key in
            guard let b = before[key], let a = after[key] else { return true }
            return !b.hasSameContent(as: a)
        }
        return (ChangeScope(keys: keys, old: before, new: after, domainSuffix: "cluster.local"),
                MeshIndex(snapshot: before), MeshIndex(snapshot: after))
    }

    @Test("a DestinationRule for a host only one namespace sees affects only that namespace's proxies")
    func scopedRule() {
        let (scope, old, new) = scope(from: Self.services, to: Self.services + Self.rule(host: "private"))
        #expect(scope.hosts == ["private.a.svc.cluster.local"])
        #expect(scope.affects(inA, old: old, new: new))
        #expect(!scope.affects(inB, old: old, new: new))
    }

    @Test("a DestinationRule for an exported host affects every proxy that sees it")
    func exportedRule() {
        let (scope, old, new) = scope(from: Self.services, to: Self.services + Self.rule(host: "shared.a.svc.cluster.local"))
        #expect(scope.affects(inA, old: old, new: new) && scope.affects(inB, old: old, new: new))
    }

    @Test("a ServiceEntry change, a wildcard host or a full rebuild affects everyone")
    func conservative() {
        let (entry, _, _) = scope(from: Self.services, to: Self.services.replacingOccurrences(of: "10.0.0.1", with: "10.0.0.9"))
        #expect(entry.hosts == nil)
        let (wildcard, _, _) = scope(from: Self.services, to: Self.services + Self.rule(host: "*.a.svc.cluster.local"))
        #expect(wildcard.hosts == nil)
        let full = ChangeScope(keys: [], old: nil, new: Self.snapshot(Self.services), domainSuffix: "cluster.local")
        #expect(full.affects(inB, old: nil, new: MeshIndex(snapshot: Self.snapshot(Self.services))))
    }
}
