import Foundation
import Mesh

/// Access to `Tests/MeshTests/Fixtures` (copied as a resource) and small builders.
enum Fixtures {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Parses YAML text; fails the caller when it has problems.
    static func resources(_ yaml: String, source: String = "inline") throws -> [MeshResource] {
        let result = MeshYAMLParser().parse(yaml, source: source)
        guard result.errors.isEmpty else { throw ValidationErrors(result.errors) }
        return result.resources
    }

    /// A store holding the resources of `yaml` (which must be valid).
    static func snapshot(_ yaml: String) throws -> ConfigSnapshot {
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: try resources(yaml))
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return store.snapshot()
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mesh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
