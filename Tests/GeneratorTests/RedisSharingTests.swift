import EnvoyAPI
import Foundation
import Generator
import Mesh
import Protocols
import SwiftProtobuf
import Testing
import XDSCache

/// Redis config joins the resource table as inputs: a RedisService shapes the listener, a
/// RedisDestination the service's own `outbound|PORT||HOST` cluster (same name, replaced).
@Suite("Redis in the resource table", .serialized)
struct RedisSharingTests {
    static func snapshot(prefix: String = "cache:", mode: String = "CLUSTER") -> ConfigSnapshot {
        let yaml = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: redis, namespace: ns}
            spec:
              hosts: [redis.ns.svc.cluster.local]
              addresses: [10.96.5.1]
              ports: [{number: 6379, name: tcp-redis}]
              resolution: STATIC
              endpoints: [{address: 10.5.0.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: shards, namespace: ns}
            spec:
              hosts: [shards.ns.svc.cluster.local]
              addresses: [10.96.5.2]
              ports: [{number: 6379, name: tcp-redis}]
              resolution: STATIC
              endpoints: [{address: 10.5.0.2}]
            ---
            apiVersion: redis.aeraki.io/v1alpha1
            kind: RedisService
            metadata: {name: redis, namespace: ns}
            spec:
              host: [redis]
              redis: [{match: {key: {prefix: "\(prefix)"}}, route: {host: shards}}]
            ---
            apiVersion: redis.aeraki.io/v1alpha1
            kind: RedisDestination
            metadata: {name: shards, namespace: ns}
            spec:
              host: shards
              trafficPolicy: {connectionPool: {redis: {mode: \(mode)}}}
            """
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty)
        return store.snapshot()
    }

    static let client = ProxyIdentity(ipAddresses: ["10.200.0.1"], workloadName: "client-1", namespace: "client", labels: ["app": "client"])
    static let shards = "outbound|6379||shards.ns.svc.cluster.local"

    static func changed(from before: ConfigSnapshot, to after: ConfigSnapshot) throws -> (old: Snapshot, new: Snapshot) {
        let generator = SharedGenerator()
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: [client])[0].get()
        _ = SharedGeneratorTests.move(generator, from: before, to: after, index: index)
        return (old, try generator.snapshots(for: [client])[0].get())
    }

    @Test("a RedisDestination in CLUSTER mode replaces the service's cluster under its own name, without an assignment")
    func clusterMode() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot()), changes: nil)
        let snapshot = try generator.snapshots(for: [Self.client])[0].get()
        let cluster = try Envoy_Config_Cluster_V3_Cluster(serializedBytes: Array(try #require(snapshot.resources(TypeURL.cluster)[Self.shards]).bytes))
        #expect(cluster.clusterType.name == "envoy.clusters.redis" && cluster.lbPolicy == .clusterProvided)
        #expect(snapshot.resources(TypeURL.endpoint)[Self.shards] == nil)
        #expect(snapshot.resources(TypeURL.endpoint)["outbound|6379||redis.ns.svc.cluster.local"] != nil)
    }

    @Test("a RedisService edit rebuilds only the listener it shapes; clusters and assignments stay the same objects")
    func redisServiceEdit() throws {
        let (old, new) = try Self.changed(from: Self.snapshot(), to: Self.snapshot(prefix: "session:"))
        #expect(new.resources(TypeURL.cluster).id == old.resources(TypeURL.cluster).id)
        #expect(new.resources(TypeURL.endpoint).id == old.resources(TypeURL.endpoint).id)
        #expect(new.resources(TypeURL.listener).diff(from: old.resources(TypeURL.listener)).changed.map(\.name) == ["10.96.5.1_6379"])
    }

    @Test("a RedisDestination edit rebuilds that service's cluster (and the EDS it now needs)")
    func redisDestinationEdit() throws {
        let (old, new) = try Self.changed(from: Self.snapshot(), to: Self.snapshot(mode: "PROXY"))
        #expect(new.resources(TypeURL.cluster).diff(from: old.resources(TypeURL.cluster)).changed.map(\.name) == [Self.shards])
        #expect(new.resources(TypeURL.endpoint).diff(from: old.resources(TypeURL.endpoint)).added.map(\.name) == [Self.shards])
        let redisCluster = "outbound|6379||redis.ns.svc.cluster.local"
        #expect(new.resources(TypeURL.cluster)[redisCluster] === old.resources(TypeURL.cluster)[redisCluster])
    }
}
