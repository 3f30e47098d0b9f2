import EnvoyAPI
import Foundation
import Generator
import Mesh
import Protocols
import Testing
import SwiftProtobuf
import XDSCache

/// A PeerAuthentication or AuthorizationPolicy change rebuilds exactly the inbound configuration of
/// the workloads it applies to.
@Suite("Security policy incrementality", .serialized)
struct SecurityIncrementalTests {
    static let mesh = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: provider, namespace: ns}
        spec:
          hosts: [provider.ns.svc.cluster.local]
          addresses: [10.96.3.1]
          ports: [{number: 9000, name: tcp-main}]
          resolution: STATIC
          workloadSelector: {labels: {app: provider}}
        """

    static func policy(mode: String) -> String {
        """

        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: canary, namespace: ns}
        spec: {selector: {matchLabels: {track: canary}}, mtls: {mode: \(mode)}}
        """
    }

    static func proxy(_ n: Int, labels: [String: String]) -> ProxyIdentity {
        ProxyIdentity(ipAddresses: ["10.3.0.\(n)"], workloadName: "provider-\(n)", namespace: "ns", labels: labels)
    }

    static func transports(_ snapshot: Snapshot) throws -> [String] {
        let inbound = try #require(snapshot.resources(TypeURL.listener)["virtualInbound"])
        let listener = try Envoy_Config_Listener_V3_Listener(serializedBytes: Array(inbound.bytes))
        return listener.filterChains.filter { $0.name == "0.0.0.0_9000" }.map(\.filterChainMatch.transportProtocol)
    }

    @Test("a selector PeerAuthentication changes only the workloads it selects; a mode change rebuilds only theirs")
    func selectedWorkloadsOnly() throws {
        let stable = Self.proxy(1, labels: ["app": "provider"])
        let canary = Self.proxy(2, labels: ["app": "provider", "track": "canary"])
        let generator = SharedGenerator()
        let before = SharedGeneratorTests.snapshot(yaml: Self.mesh)
        var index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: [stable, canary]).map { try $0.get() }
        #expect(try Self.transports(old[0]) == ["tls", "tls", "raw_buffer"], "no policy: PERMISSIVE")

        let strict = SharedGeneratorTests.snapshot(yaml: Self.mesh + Self.policy(mode: "STRICT"))
        index = SharedGeneratorTests.move(generator, from: before, to: strict, index: index)
        let new = try generator.snapshots(for: [stable, canary]).map { try $0.get() }
        #expect(try Self.transports(new[0]) == ["tls", "tls", "raw_buffer"])
        #expect(try Self.transports(new[1]) == ["tls"], "STRICT for the selected workload")

        let builds = generator.statistics.builds
        let disabled = SharedGeneratorTests.snapshot(yaml: Self.mesh + Self.policy(mode: "DISABLE"))
        _ = SharedGeneratorTests.move(generator, from: strict, to: disabled, index: index)
        let last = try generator.snapshots(for: [stable, canary]).map { try $0.get() }
        // The selected workload's inbound entry, and the service's load assignment (an endpoint's own
        // PeerAuthentication decides its tlsMode); nothing of the other workload.
        #expect(generator.statistics.builds - builds == 2)
        #expect(last[0].resources(TypeURL.listener).id == new[0].resources(TypeURL.listener).id)
        #expect(last[0].resources(TypeURL.cluster).id == new[0].resources(TypeURL.cluster).id)
        #expect(try Self.transports(last[1]) == ["raw_buffer"])
    }
}
