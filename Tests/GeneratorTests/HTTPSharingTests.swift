import EnvoyAPI
import Foundation
import Generator
import Mesh
import Protocols
import SwiftProtobuf
import Testing
import XDSCache

/// HTTP route configurations are table entries of their own: a VirtualService edit rebuilds the
/// route configuration of its port, once per scope, and leaves the listener the same object.
@Suite("HTTP route sharing", .serialized)
struct HTTPSharingTests {
    static func snapshot(v1Weight: Int) -> ConfigSnapshot {
        let yaml = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews.default.svc.cluster.local]
              addresses: [10.96.120.15]
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.1.0.1, labels: {version: v1}}, {address: 10.1.0.2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ratings, namespace: default}
            spec:
              hosts: [ratings.default.svc.cluster.local]
              addresses: [10.96.120.16]
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.1.1.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: default}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:
              - route:
                - {destination: {host: reviews, subset: v1}, weight: \(v1Weight)}
                - {destination: {host: reviews, subset: v2}, weight: \(100 - v1Weight)}
            """
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty)
        return store.snapshot()
    }

    @Test("a VirtualService edit changes route 9080 only: the listener 0.0.0.0_9080 stays the same object")
    func virtualServiceEditRebuildsOnlyTheRoute() throws {
        let generator = SharedGenerator()
        let before = Self.snapshot(v1Weight: 80)
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let proxies = [
            SharedGeneratorTests.proxy(1, namespace: "default"), SharedGeneratorTests.proxy(2, namespace: "default"),
            SharedGeneratorTests.proxy(3, namespace: "other"),
        ]
        let old = try generator.snapshots(for: proxies).map { try $0.get() }
        let oldListener = try #require(old[0].resources(TypeURL.listener)["0.0.0.0_9080"])
        let oldRoute = try #require(old[0].resources(TypeURL.route)["9080"])
        // One RouteConfiguration object per scope, shared by its proxies.
        #expect(old[1].resources(TypeURL.route)["9080"] === oldRoute)
        #expect(old[2].resources(TypeURL.route)["9080"] !== oldRoute)

        let after = Self.snapshot(v1Weight: 50)
        let builds = generator.statistics.builds
        _ = SharedGeneratorTests.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: proxies).map { try $0.get() }
        // The route of port 9080, once per scope (two scopes): nothing else is rebuilt.
        #expect(generator.statistics.builds - builds == 2)
        for (o, n) in zip(old, new) {
            #expect(n.resources(TypeURL.listener)["0.0.0.0_9080"] === o.resources(TypeURL.listener)["0.0.0.0_9080"])
            #expect(n.resources(TypeURL.listener).id == o.resources(TypeURL.listener).id, "no LDS push")
            #expect(n.resources(TypeURL.cluster).id == o.resources(TypeURL.cluster).id)
            #expect(n.resources(TypeURL.route).diff(from: o.resources(TypeURL.route)).changed.map(\.name) == ["9080"])
        }
        #expect(new[0].resources(TypeURL.listener)["0.0.0.0_9080"] === oldListener)
        let route = try Envoy_Config_Route_V3_RouteConfiguration(serializedBytes: Array(try #require(new[0].resources(TypeURL.route)["9080"]).bytes))
        let reviews = try #require(route.virtualHosts.first { $0.name == "reviews.default.svc.cluster.local:9080" })
        #expect(reviews.routes[0].route.weightedClusters.clusters.map(\.weight.value) == [50, 50])
        for proxy in proxies {
            #expect(SharedGeneratorTests.versions(try generator.snapshots(for: [proxy])[0].get())
                == SharedGeneratorTests.versions(try SharedGeneratorTests.fresh(after, proxy: proxy)))
        }
    }

    @Test("proxyless gRPC clients of one namespace share their resources; a VirtualService edit changes only their RDS")
    func proxylessSharing() throws {
        func client(_ n: Int) -> ProxyIdentity {
            ProxyIdentity(ipAddresses: ["10.201.0.\(n)"], workloadName: "app-\(n)", namespace: "default", metadata: ["GENERATOR": "grpc"])
        }
        let generator = SharedGenerator()
        let before = Self.snapshot(v1Weight: 80)
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: [client(1), client(2)]).map { try $0.get() }
        let routeName = "outbound|9080||reviews.default.svc.cluster.local"
        let route = try #require(old[0].resources(TypeURL.route)[routeName])
        #expect(old[1].resources(TypeURL.route)[routeName] === route)
        #expect(old[0].resources(TypeURL.listener)["reviews:9080"] != nil)
        #expect(old[0].resources(TypeURL.listener)["0.0.0.0_9080"] == nil, "no sidecar listeners for proxyless clients")

        let after = Self.snapshot(v1Weight: 50)
        _ = SharedGeneratorTests.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: [client(1)])[0].get()
        #expect(new.resources(TypeURL.cluster).id == old[0].resources(TypeURL.cluster).id)
        #expect(new.resources(TypeURL.route).diff(from: old[0].resources(TypeURL.route)).changed.map(\.name) == [routeName])
        let outbound = new.resources(TypeURL.listener).sorted.filter { !$0.name.hasPrefix("xds.istio.io/") }
        for listener in outbound { #expect(old[0].resources(TypeURL.listener)[listener.name] === listener, "\(listener.name)") }
    }
}
