// Generation benchmark: one proxy seeing N services (Dubbo, Thrift and TCP, two subsets each, a
// VirtualService splitting traffic for each). Prints `key: value` lines: the time to build one
// snapshot from scratch (index, view, listeners/clusters/endpoints, serialization), and the
// incremental updates of the shared generator after one VirtualService changes (new index and view,
// only the listener of its host rebuilt) and after one endpoint moves (index updated in place, one
// load assignment rebuilt), with their ratios to the full build measured in the same run.
import Foundation
import Generator
import Mesh
import MeshAPI
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
let store = ConfigStore()
_ = store.replace(origin: "bench", with: resources(meshYAML(services: count)))
let changedResources = resources(meshYAML(services: count, changed: count / 2))
let changedVS = changedResources.first { $0.key.kind == .virtualService && $0.key.name == "svc-\(count / 2)" }!
let original = store.snapshot().resources.values.first { $0.key == changedVS.key }!

/// Applies `upserts` to the store and moves `generator` to the result the way the push loop does.
func change(_ generator: SharedGenerator, index: MeshIndex, upserts: [MeshResource]) -> MeshIndex {
    let old = store.snapshot()
    let changed = Set(upserts.map(\.key))
    _ = store.apply(origin: "bench", upserts: upserts)
    let new = store.snapshot()
    let impact = ConfigChangeImpact(keys: changed, old: old, new: new)
    let next = impact.endpointsOnly ? index.updatingEndpoints(of: impact.endpointSources, snapshot: new) : MeshIndex(snapshot: new)
    generator.update(index: next, changes: impact.dependencies, endpointsOnly: impact.endpointsOnly)
    return next
}

/// The ServiceEntry of service `n` with its first endpoint moved to `address`.
func movedEndpoint(_ n: Int, to address: String) -> MeshResource {
    var resource = store.snapshot().resources.values.first { $0.key.kind == .serviceEntry && $0.key.name == "svc-\(n)" }!
    guard case .serviceEntry(var entry) = resource.spec else { fatalError("svc-\(n) is not a ServiceEntry") }
    entry.endpoints[0].address = address
    resource.spec = .serviceEntry(entry)
    return resource
}

let clock = ContinuousClock()
var indexTimes: [Double] = []
var viewTimes: [Double] = []
var buildTimes: [Double] = []
var vsTimes: [Double] = []
var endpointTimes: [Double] = []
var vsBuilds = 0
var endpointBuilds = 0
var snapshot: Snapshot?
for round in 0..<rounds {
    var index: MeshIndex?
    indexTimes.append(seconds(clock.measure { index = MeshIndex(snapshot: store.snapshot()) }))
    viewTimes.append(seconds(clock.measure { _ = ProxyView(index: index!, proxy: proxy, options: .defaults) }))
    let generator = SharedGenerator()
    buildTimes.append(seconds(try clock.measure {
        generator.update(index: index!, changes: nil)
        snapshot = try generator.snapshots(for: [proxy])[0].get()
    }))
    // One VirtualService changes: the index is rebuilt, the scope's view refreshed, one listener rebuilt.
    var builds = generator.statistics.builds
    vsTimes.append(seconds(try clock.measure {
        index = change(generator, index: index!, upserts: [round % 2 == 0 ? changedVS : original])
        snapshot = try generator.snapshots(for: [proxy])[0].get()
    }))
    vsBuilds = generator.statistics.builds - builds
    // One endpoint moves: the index is updated in place, one load assignment rebuilt.
    builds = generator.statistics.builds
    endpointTimes.append(seconds(try clock.measure {
        index = change(generator, index: index!, upserts: [movedEndpoint(count / 3, to: "10.250.0.\(round + 1)")])
        snapshot = try generator.snapshots(for: [proxy])[0].get()
    }))
    endpointBuilds = generator.statistics.builds - builds
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
print(String(format: "vs_change_ms: %.1f", median(vsTimes) * 1000))
print("vs_change_includes: index, scope view, table lookups, changed listener rebuilt")
print("vs_change_rebuilt: \(vsBuilds)")
print(String(format: "vs_change_ratio: %.3f", median(vsTimes) / median(buildTimes)))
print(String(format: "endpoint_change_ms: %.1f", median(endpointTimes) * 1000))
print("endpoint_change_includes: index endpoint update, table lookups, changed assignment rebuilt")
print("endpoint_change_rebuilt: \(endpointBuilds)")
print(String(format: "endpoint_change_ratio: %.3f", median(endpointTimes) / median(buildTimes)))
