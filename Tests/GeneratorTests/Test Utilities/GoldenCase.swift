import Foundation
import Generator
import Mesh
import Protocols
import Testing
import XDSCache

/// One golden case under `Fixtures/<name>`: `input/*.yaml`, optional `node.json`, optional
/// `meshconfig.yaml` (istiod's mesh config), `expected.json`.
struct GoldenCase: Sendable, CustomTestStringConvertible {
    let name: String

    var testDescription: String { name }

    /// The copied fixtures (read side).
    static var fixtures: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    /// The fixtures in the source tree (where `AERAKI_UPDATE_GOLDEN=1` writes).
    static var sourceFixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static var all: [GoldenCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: fixtures.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted().map(GoldenCase.init)
    }

    var directory: URL { Self.fixtures.appendingPathComponent(name) }

    /// The proxy of `node.json`, or a client in namespace `demo`.
    func proxy() throws -> ProxyIdentity {
        let nodeFile = directory.appendingPathComponent("node.json")
        guard let data = try? Data(contentsOf: nodeFile) else {
            return try ProxyNode.identity(id: "sidecar~10.0.1.10~client-6d4f.demo~demo.svc.cluster.local", metadata: ["NAMESPACE": "demo"])
        }
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        var metadata: [String: String] = [:]
        for (key, value) in object["metadata"] as? [String: Any] ?? [:] {
            if let text = value as? String {
                metadata[key] = text
            } else if let nested = value as? [String: String] {
                metadata[key] = nested.keys.sorted().map { "\($0)=\(nested[$0]!)" }.joined(separator: ",")
            }
        }
        return try ProxyNode.identity(id: object["id"] as? String ?? "", metadata: metadata)
    }

    /// The mesh index of `input/`.
    func index() -> (MeshIndex, [ValidationError]) {
        MeshDirectory.load(paths: [directory.appendingPathComponent("input").path])
    }

    /// The generator options of `meshconfig.yaml`, or the defaults.
    func options() throws -> GeneratorOptions {
        let file = directory.appendingPathComponent("meshconfig.yaml")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return .defaults }
        return GeneratorOptions(meshConfig: try MeshConfig.parse(yaml: text, source: file.path))
    }

    /// The generated config.
    func generate() throws -> GeneratedConfig {
        let (index, _) = index()
        return try ProxySnapshotBuilder(registry: .standard, options: try options()).build(index: index, proxy: try proxy())
    }

    /// The snapshot the shared generator serves the case's proxy.
    func snapshot() throws -> Snapshot {
        let generator = SharedGenerator(options: try options())
        generator.update(index: index().0, changes: nil)
        return try generator.snapshots(for: [try proxy()])[0].get()
    }

    func expected() throws -> String {
        try String(contentsOf: directory.appendingPathComponent("expected.json"), encoding: .utf8)
    }

    func update(_ json: String) throws {
        try json.write(to: Self.sourceFixtures.appendingPathComponent(name).appendingPathComponent("expected.json"), atomically: true, encoding: .utf8)
    }
}
