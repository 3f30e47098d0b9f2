import Foundation
import Generator
import Mesh
import Protocols
import Testing
import XDSCache

/// Sharing and incrementality, shown directly: which objects proxies hold and how many resources a
/// change re-serializes — not through timing.
@Suite("Shared generation", .serialized)
struct SharedGeneratorTests {
    static let mesh = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: a, namespace: ns, annotations: {interface: com.example.A}}
        spec:
          hosts: [a.ns.svc.cluster.local]
          addresses: [10.96.1.1]
          ports: [{number: 20880, name: tcp-dubbo}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.1, labels: {version: v1}}, {address: ENDPOINT, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: b, namespace: ns}
        spec:
          hosts: [b.ns.svc.cluster.local]
          addresses: [10.96.1.2]
          ports: [{number: 9090, name: tcp-thrift}]
          resolution: STATIC
          endpoints: [{address: 10.1.2.1, labels: {version: v1}}, {address: B_ENDPOINT, labels: {version: v2}}]
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

    static func snapshot(weight: Int = 90, endpoint: String = "10.1.1.2", extra: String = "", bEndpoint: String = "10.1.2.2") -> ConfigSnapshot {
        let yaml = mesh.replacingOccurrences(of: "WEIGHT", with: "\(weight)").replacingOccurrences(of: "REST", with: "\(100 - weight)")
            .replacingOccurrences(of: "B_ENDPOINT", with: bEndpoint).replacingOccurrences(of: "ENDPOINT", with: endpoint) + extra
        return snapshot(yaml: yaml)
    }

    /// The validated snapshot of `yaml`.
    static func snapshot(yaml: String) -> ConfigSnapshot {
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty)
        return store.snapshot()
    }

    static func proxy(_ n: Int, namespace: String = "client", labels: [String: String] = ["app": "client"]) -> ProxyIdentity {
        ProxyIdentity(ipAddresses: ["10.200.0.\(n)"], workloadName: "client-\(n)", namespace: namespace, labels: labels)
    }

    /// Moves `generator` from `old` to `new` as the push loop does, returning the new index.
    static func move(_ generator: SharedGenerator, from old: ConfigSnapshot, to new: ConfigSnapshot, index: MeshIndex) -> MeshIndex {
        let keys = Set(Set(old.resources.keys).union(new.resources.keys).filter { key in
            switch (old[key], new[key]) {
            case (let a?, let b?): !a.hasSameContent(as: b)
            default: true
            }
        })
        let impact = ConfigChangeImpact(keys: keys, old: old, new: new)
        let next = impact.endpointsOnly ? index.updatingEndpoints(of: impact.endpointSources, snapshot: new) : MeshIndex(snapshot: new)
        generator.update(index: next, changes: impact.dependencies, endpointsOnly: impact.endpointsOnly)
        return next
    }

    static func fresh(_ snapshot: ConfigSnapshot, proxy: ProxyIdentity) throws -> Snapshot {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: snapshot), changes: nil)
        return try generator.snapshots(for: [proxy])[0].get()
    }

    static func versions(_ snapshot: Snapshot) -> [String] {
        snapshot.allResources.map { "\($0.typeURL) \($0.name) \($0.version)" }.sorted()
    }

    @Test("two proxies of one scope hold the identical prepared resources and sets")
    func sameScopeSharesObjects() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot()), changes: nil)
        let replicas = [Self.proxy(1), Self.proxy(2), Self.proxy(3, labels: ["app": "other"])]
        let snapshots = try generator.snapshots(for: replicas).map { try $0.get() }
        for typeURL in [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener] {
            let first = snapshots[0].resources(typeURL)
            #expect(!first.sorted.isEmpty)
            for other in snapshots.dropFirst() {
                // Labels no rule selects on do not split a scope.
                #expect(other.resources(typeURL).id == first.id, "\(typeURL)")
                for resource in first.sorted { #expect(other.resources(typeURL)[resource.name] === resource) }
            }
        }
        #expect(generator.statistics.scopes == 1)
    }

    @Test("other namespaces get scopes of their own that still share clusters and assignments")
    func scopesShareResources() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot()), changes: nil)
        let snapshots = try generator.snapshots(for: [Self.proxy(1), Self.proxy(2, namespace: "other")]).map { try $0.get() }
        #expect(generator.statistics.scopes == 2)
        #expect(snapshots[0].resources(TypeURL.listener).id != snapshots[1].resources(TypeURL.listener).id)
        for typeURL in [TypeURL.cluster, TypeURL.endpoint] {
            for resource in snapshots[0].resources(typeURL).sorted {
                #expect(snapshots[1].resources(typeURL)[resource.name] === resource, "\(resource.name)")
            }
        }
    }

    @Test("a selector that matches some workloads splits the scope; the others keep sharing")
    func selectorsSplitScopes() throws {
        let rule = """

            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: canary-clients, namespace: client}
            spec:
              host: b.ns.svc.cluster.local
              workloadSelector: {matchLabels: {track: canary}}
              trafficPolicy: {loadBalancer: {simple: RANDOM}}
            """
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot(extra: rule)), changes: nil)
        let proxies = [Self.proxy(1), Self.proxy(2, labels: ["app": "x"]), Self.proxy(3, labels: ["app": "client", "track": "canary"])]
        let snapshots = try generator.snapshots(for: proxies).map { try $0.get() }
        #expect(snapshots[0].resources(TypeURL.cluster).id == snapshots[1].resources(TypeURL.cluster).id)
        #expect(snapshots[0].resources(TypeURL.cluster).id != snapshots[2].resources(TypeURL.cluster).id)
        let name = "outbound|9090||b.ns.svc.cluster.local"
        #expect(snapshots[0].resources(TypeURL.cluster)[name]?.version != snapshots[2].resources(TypeURL.cluster)[name]?.version)
        #expect(generator.statistics.scopes == 2)
    }

    @Test("an endpoint change re-serializes exactly one resource, and only the EDS set changes")
    func endpointChange() throws {
        let generator = SharedGenerator()
        let before = Self.snapshot()
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let proxies = [Self.proxy(1), Self.proxy(2), Self.proxy(3, namespace: "other")]
        let old = try generator.snapshots(for: proxies).map { try $0.get() }

        let after = Self.snapshot(extra: "", bEndpoint: "10.1.2.9")
        let builds = generator.statistics.builds
        _ = Self.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: proxies).map { try $0.get() }
        #expect(generator.statistics.builds - builds == 1)
        for (o, n) in zip(old, new) {
            #expect(o.resources(TypeURL.cluster).id == n.resources(TypeURL.cluster).id)
            #expect(o.resources(TypeURL.listener).id == n.resources(TypeURL.listener).id)
            let diff = n.resources(TypeURL.endpoint).diff(from: o.resources(TypeURL.endpoint))
            #expect(diff.changed.map(\.name) == ["outbound|9090||b.ns.svc.cluster.local"])
            #expect(diff.added.isEmpty && diff.removed.isEmpty)
        }
        #expect(new[0].resources(TypeURL.endpoint).id == new[1].resources(TypeURL.endpoint).id)
        #expect(Self.versions(new[0]) == Self.versions(try Self.fresh(after, proxy: proxies[0])))
    }

    @Test("an endpoint of a service with subsets rebuilds that service's assignments only")
    func subsetEndpointChange() throws {
        let generator = SharedGenerator()
        let before = Self.snapshot()
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: [Self.proxy(1)])[0].get()
        let after = Self.snapshot(endpoint: "10.1.1.9")
        let builds = generator.statistics.builds
        _ = Self.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: [Self.proxy(1)])[0].get()
        // The default, v1 and v2 assignments of a are rebuilt; the v2 endpoint is in two of them.
        #expect(generator.statistics.builds - builds == 3)
        let diff = new.resources(TypeURL.endpoint).diff(from: old.resources(TypeURL.endpoint))
        #expect(diff.changed.map(\.name) == ["outbound|20880|v2|a.ns.svc.cluster.local", "outbound|20880||a.ns.svc.cluster.local"])
        #expect(Self.versions(new) == Self.versions(try Self.fresh(after, proxy: Self.proxy(1))))
    }

    static let dubboRoutes = "type.googleapis.com/envoy.extensions.filters.network.dubbo_proxy.v3.MultipleRouteConfiguration"
    static let thriftRoutes = "type.googleapis.com/envoy.extensions.filters.network.thrift_proxy.v3.RouteConfiguration"

    @Test("a Dubbo VirtualService change re-serializes only its drds routes, once per scope; listeners stay the same objects")
    func virtualServiceChange() throws {
        let generator = SharedGenerator()
        let before = Self.snapshot()
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let proxies = [Self.proxy(1), Self.proxy(2), Self.proxy(3, namespace: "other"), Self.proxy(4, namespace: "other")]
        let old = try generator.snapshots(for: proxies).map { try $0.get() }

        let after = Self.snapshot(weight: 50)
        let builds = generator.statistics.builds
        _ = Self.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: proxies).map { try $0.get() }
        // One route resource (of 10.96.1.1_20880) per scope, two scopes; no listener is rebuilt.
        #expect(generator.statistics.builds - builds == 2)
        for (o, n) in zip(old, new) {
            for typeURL in [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener, Self.thriftRoutes] {
                #expect(o.resources(typeURL).id == n.resources(typeURL).id, "\(typeURL)")
            }
            for listener in o.resources(TypeURL.listener).sorted { #expect(n.resources(TypeURL.listener)[listener.name] === listener) }
            let diff = n.resources(Self.dubboRoutes).diff(from: o.resources(Self.dubboRoutes))
            #expect(diff.changed.map(\.name) == ["10.96.1.1_20880"])
            #expect(diff.added.isEmpty && diff.removed.isEmpty)
            #expect(Set(n.types.keys) == Set(o.types.keys))
        }
        #expect(new[0].resources(Self.dubboRoutes).id == new[1].resources(Self.dubboRoutes).id)
        for proxy in proxies { #expect(Self.versions(try generator.snapshots(for: [proxy])[0].get()) == Self.versions(try Self.fresh(after, proxy: proxy))) }
    }

    @Test("a Thrift VirtualService edit changes only the trds route; the listener is the identical object")
    func thriftVirtualServiceChange() throws {
        func thriftRule(_ weight: Int) -> String {
            """

            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: b, namespace: ns}
            spec:
              host: b.ns.svc.cluster.local
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: b, namespace: ns}
            spec:
              hosts: [b.ns.svc.cluster.local]
              http:
              - match: [{method: {exact: ping}}]
                route: [{destination: {host: b.ns.svc.cluster.local, subset: v2}}]
              - route:
                - {destination: {host: b.ns.svc.cluster.local, subset: v1}, weight: \(weight)}
                - {destination: {host: b.ns.svc.cluster.local, subset: v2}, weight: \(100 - weight)}
            """
        }
        let generator = SharedGenerator()
        let before = Self.snapshot(extra: thriftRule(80))
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: [Self.proxy(1)])[0].get()
        let after = Self.snapshot(extra: thriftRule(20))
        _ = Self.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: [Self.proxy(1)])[0].get()
        let changedTypes = Set(new.types.keys).union(old.types.keys).filter { new.resources($0).id != old.resources($0).id }
        #expect(changedTypes == [Self.thriftRoutes])
        #expect(new.resources(TypeURL.listener)["10.96.1.2_9090"] === old.resources(TypeURL.listener)["10.96.1.2_9090"])
        let diff = new.resources(Self.thriftRoutes).diff(from: old.resources(Self.thriftRoutes))
        #expect(diff.changed.map(\.name) == ["outbound|9090||b.ns.svc.cluster.local"])
        #expect(Self.versions(new) == Self.versions(try Self.fresh(after, proxy: Self.proxy(1))))
    }

    @Test("with inline_l7_routes the same edit rebuilds the listener, and no route resources are served")
    func inlineRoutesVirtualServiceChange() throws {
        let inline = ProxyIdentity(
            ipAddresses: ["10.200.0.9"], workloadName: "client-9", namespace: "client", labels: ["app": "client"],
            metadata: [ProxyCapabilities.metadataKey: "inline_l7_routes"]
        )
        let generator = SharedGenerator()
        let before = Self.snapshot()
        let index = MeshIndex(snapshot: before)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: [inline])[0].get()
        #expect(old.resources(Self.dubboRoutes).sorted.isEmpty && old.resources(Self.thriftRoutes).sorted.isEmpty)
        let after = Self.snapshot(weight: 50)
        _ = Self.move(generator, from: before, to: after, index: index)
        let new = try generator.snapshots(for: [inline])[0].get()
        let diff = new.resources(TypeURL.listener).diff(from: old.resources(TypeURL.listener))
        #expect(diff.changed.map(\.name) == ["10.96.1.1_20880"])
    }

    @Test("a VirtualService edit after an endpoint edit still rebuilds only its routes: the endpoint round keeps the table")
    func ruleEditAfterEndpointEdit() throws {
        let generator = SharedGenerator()
        let proxies = [Self.proxy(1), Self.proxy(3, namespace: "other")]
        let first = Self.snapshot()
        var index = MeshIndex(snapshot: first)
        generator.update(index: index, changes: nil)
        let old = try generator.snapshots(for: proxies).map { try $0.get() }
        generator.retain(proxies)
        // The push loop's order: move, build every connected proxy, retain them.
        let moved = Self.snapshot(bEndpoint: "10.1.2.9")
        index = Self.move(generator, from: first, to: moved, index: index)
        _ = generator.snapshots(for: proxies)
        generator.retain(proxies)
        let builds = generator.statistics.builds
        _ = Self.move(generator, from: moved, to: Self.snapshot(weight: 50, bEndpoint: "10.1.2.9"), index: index)
        let new = try generator.snapshots(for: proxies).map { try $0.get() }
        generator.retain(proxies)
        // One drds route per scope; clusters and listeners are the same objects as before both edits.
        #expect(generator.statistics.builds - builds == 2)
        for (o, n) in zip(old, new) {
            for cluster in o.resources(TypeURL.cluster).sorted { #expect(n.resources(TypeURL.cluster)[cluster.name] === cluster) }
            for listener in o.resources(TypeURL.listener).sorted { #expect(n.resources(TypeURL.listener)[listener.name] === listener) }
        }
    }

    @Test("what no connected proxy uses is dropped")
    func retainDropsUnused() throws {
        let generator = SharedGenerator()
        generator.update(index: MeshIndex(snapshot: Self.snapshot()), changes: nil)
        _ = generator.snapshots(for: [Self.proxy(1), Self.proxy(2, namespace: "other")])
        let both = generator.statistics
        generator.retain([Self.proxy(1)])
        generator.update(index: MeshIndex(snapshot: Self.snapshot(weight: 10)), changes: nil)
        _ = generator.snapshots(for: [Self.proxy(1)])
        generator.retain([Self.proxy(1)])
        #expect(both.scopes == 2)
        #expect(generator.statistics.scopes == 1)
        #expect(generator.statistics.tableEntries < both.tableEntries)
    }
}
