// Generation benchmark: one proxy seeing N services (Dubbo, Thrift and TCP, two subsets each, a
// VirtualService splitting traffic for each). Prints `key: value` lines: the time to build one
// snapshot (view + listeners/clusters/endpoints + serialization) and the time to rebuild after one
// VirtualService changes: a full rebuild from the new config snapshot (index, view, every resource),
// and a rebuild with the proxy's GenerationCache (new index and view; only the listener of the
// changed VirtualService's host rebuilt and re-serialized).
import Foundation
import Generator
import Mesh
import Protocols
import XDSCache

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 1000 : 1000
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5

func meshYAML(services: Int, changed: Int? = nil) -> String {
    var docs: [String] = []
    for i in 0..<services {
        let kind = ["dubbo", "thrift", "tcp"][i % 3]
        let host = "svc-\(i).ns-\(i % 20).svc.cluster.local"
        let port = 20000 + (i % 3)
        let portName = kind == "tcp" ? "tcp-plain" : "tcp-\(kind)"
        docs.append("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: svc-\(i), namespace: ns-\(i % 20), annotations: {interface: com.example.Service\(i)}}
            spec:
              hosts: [\(host)]
              addresses: [10.\(100 + i / 65536).\((i / 256) % 256).\(i % 256)]
              ports: [{number: \(port), name: \(portName)}]
              resolution: STATIC
              endpoints:
              - {address: 172.16.\(i / 128).\((i % 128) * 2), labels: {version: v1}}
              - {address: 172.16.\(i / 128).\((i % 128) * 2 + 1), labels: {version: v2}}
            """)
        docs.append("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: svc-\(i), namespace: ns-\(i % 20)}
            spec:
              host: \(host)
              trafficPolicy: {connectionPool: {tcp: {maxConnections: 100}}}
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            """)
        let weight = changed == i ? 50 : 90
        let routes = kind == "tcp" ? "tcp" : "http"
        docs.append("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: svc-\(i), namespace: ns-\(i % 20)}
            spec:
              hosts: [\(host)]
              \(routes):
              - route:
                - {destination: {host: \(host), subset: v1}, weight: \(weight)}
                - {destination: {host: \(host), subset: v2}, weight: \(100 - weight)}
            """)
    }
    return docs.joined(separator: "\n---\n")
}

func resources(_ yaml: String) -> [MeshResource] {
    let parsed = MeshYAMLParser().parse(yaml, source: "bench")
    precondition(parsed.errors.isEmpty, "\(parsed.errors.prefix(3))")
    return parsed.resources
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let proxy = try ProxyNode.identity(id: "sidecar~10.9.0.1~client-1.ns-0~ns-0.svc.cluster.local", metadata: [:])
let builder = ProxySnapshotBuilder(registry: .standard)
let store = ConfigStore()
_ = store.replace(origin: "bench", with: resources(meshYAML(services: count)))
let changedResources = resources(meshYAML(services: count, changed: count / 2))
let changedVS = changedResources.first { $0.key.kind == .virtualService && $0.key.name == "svc-\(count / 2)" }!
let original = store.snapshot().resources.values.first { $0.key == changedVS.key }!

let clock = ContinuousClock()
var buildTimes: [Double] = []
var indexTimes: [Double] = []
var rebuildTimes: [Double] = []
var viewTimes: [Double] = []
var cachedRebuildTimes: [Double] = []
var cachedIndexTimes: [Double] = []
var cacheStats = (reused: 0, rebuilt: 0)
let cache = GenerationCache()
var snapshot: Snapshot?
for round in 0..<rounds {
    var index: MeshIndex?
    indexTimes.append(seconds(clock.measure { index = MeshIndex(snapshot: store.snapshot()) }))
    viewTimes.append(seconds(clock.measure { _ = ProxyView(index: index!, proxy: proxy, options: .defaults) }))
    buildTimes.append(seconds(try clock.measure { snapshot = try builder.build(index: index!, proxy: proxy).snapshot() }))
    // One VirtualService changes: new config snapshot, new index, full rebuild.
    _ = store.apply(origin: "bench", upserts: [round % 2 == 0 ? changedVS : original])
    rebuildTimes.append(seconds(try clock.measure {
        let changed = MeshIndex(snapshot: store.snapshot())
        snapshot = try builder.build(index: changed, proxy: proxy).snapshot()
    }))
    // The same change with the cache warm from the previous configuration.
    _ = store.apply(origin: "bench", upserts: [round % 2 == 0 ? original : changedVS])
    _ = try builder.build(index: MeshIndex(snapshot: store.snapshot()), proxy: proxy, cache: cache).snapshot()
    _ = store.apply(origin: "bench", upserts: [round % 2 == 0 ? changedVS : original])
    var changedIndex: MeshIndex?
    cachedIndexTimes.append(seconds(clock.measure { changedIndex = MeshIndex(snapshot: store.snapshot()) }))
    cachedRebuildTimes.append(seconds(try clock.measure {
        snapshot = try builder.build(index: changedIndex!, proxy: proxy, cache: cache).snapshot()
    }))
    cacheStats = cache.lastBuild
}
let s = snapshot!
print("services: \(count)")
print("subsets_per_service: 2")
print("listeners: \(s.resources(TypeURL.listener).count)")
print("clusters: \(s.resources(TypeURL.cluster).count)")
print("endpoints: \(s.resources(TypeURL.endpoint).count)")
print("rounds: \(rounds)")
print(String(format: "index_build_ms: %.1f", median(indexTimes) * 1000))
print(String(format: "proxy_view_ms: %.1f", median(viewTimes) * 1000))
print(String(format: "snapshot_build_ms: %.1f", median(buildTimes) * 1000))
print(String(format: "rebuild_full_ms: %.1f", median(rebuildTimes) * 1000))
print("rebuild_full_includes: index, proxy view, every resource built and serialized")
print(String(format: "rebuild_cached_ms: %.1f", (median(cachedRebuildTimes) + median(cachedIndexTimes)) * 1000))
print("rebuild_cached_includes: index, proxy view, cache lookups, changed listener rebuilt")
print("rebuild_cached_reused: \(cacheStats.reused)")
print("rebuild_cached_rebuilt: \(cacheStats.rebuilt)")
