internal import Generator
internal import Mesh
internal import Protocols

/// The mesh-config harness: the input as a YAML/JSON file through the parser, the store's
/// validation, the mesh index and one proxy's generation. Traps when a parsed resource is neither
/// accepted nor rejected with an error (silently dropped).
package enum MeshConfigHarness {
    package static func run(_ bytes: [UInt8]) {
        let parsed = MeshYAMLParser().parse(String(decoding: bytes, as: UTF8.self), source: "fuzz.yaml")
        let store = ConfigStore()
        let errors = store.replace(origin: "fuzz", with: parsed.resources)
        let snapshot = store.snapshot()
        let rejected = Set(errors.compactMap(\.key))
        for resource in parsed.resources {
            precondition(snapshot[resource.key] != nil || rejected.contains(resource.key), "\(resource.key) was dropped without an error")
        }
        let index = MeshIndex(snapshot: snapshot)
        let namespace = parsed.resources.first?.key.namespace ?? "default"
        let proxy = ProxyIdentity(ipAddresses: ["10.0.0.1"], workloadName: "fuzz", namespace: namespace.isEmpty ? "default" : namespace)
        _ = try? ProxySnapshotBuilder(registry: .standard).build(index: index, proxy: proxy)
    }
}
