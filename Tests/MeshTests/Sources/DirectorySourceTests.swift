import Foundation
import Logging
import Mesh
import MeshAPI
import SwiftProtobuf
import Testing

@Suite("YAML directory source")
struct DirectorySourceTests {
    static let serviceEntry = """
        apiVersion: networking.istio.io/v1alpha3
        kind: ServiceEntry
        metadata: {name: NAME, namespace: dubbo}
        spec: {hosts: [NAME.example.com], ports: [{number: PORT, name: tcp-dubbo}]}
        """

    static func entry(_ name: String, port: Int) -> String {
        serviceEntry.replacingOccurrences(of: "NAME", with: name).replacingOccurrences(of: "PORT", with: String(port))
    }

    static func port(_ store: ConfigStore, _ name: String) -> UInt32? {
        guard case .serviceEntry(let se)? = store.snapshot()[ConfigKey(kind: .serviceEntry, namespace: "dubbo", name: name)]?.spec
        else { return nil }
        return se.ports.first?.number
    }

    @Test("multi-document files in v1alpha3, v1beta1 and v1; namespaces default to `default`")
    func parseVersions() throws {
        let yaml = """
            apiVersion: networking.istio.io/v1alpha3
            kind: Sidecar
            metadata: {name: a}
            spec: {egress: [{hosts: ["./*"]}]}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: Sidecar
            metadata: {name: b, namespace: x, labels: {team: blue}, annotations: {interface: org.Demo}, creationTimestamp: "2024-05-01T10:00:00Z", resourceVersion: "42"}
            spec: {egress: [{hosts: ["./*"]}]}
            ---
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: c, namespace: y}
            spec: {egress: [{hosts: ["./*"]}]}
            """
        let result = MeshYAMLParser().parse(yaml, source: "f.yaml")
        #expect(result.errors.isEmpty)
        #expect(result.resources.map(\.key.namespace) == ["default", "x", "y"])
        #expect(result.resources.map(\.source) == ["f.yaml#1", "f.yaml#2", "f.yaml#4"])
        let b = result.resources[1]
        #expect(b.labels == ["team": "blue"])
        #expect(b.annotations == ["interface": "org.Demo"])
        #expect(b.version == "42")
        #expect(b.creationTime == Date(timeIntervalSince1970: 1_714_557_600))
    }

    @Test("Go-style durations (100ms, 1m30s) are accepted as Istio does")
    func goDurations() throws {
        let resources = try Fixtures.resources("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: d}
            spec: {host: a, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 100ms}}, outlierDetection: {interval: 1m30s, baseEjectionTime: 2s}}}
            """)
        guard case .destinationRule(let dr)? = resources.first?.spec else {
            Issue.record("not decoded")
            return
        }
        #expect(dr.trafficPolicy.connectionPool.tcp.connectTimeout.nanos == 100_000_000)
        #expect(dr.trafficPolicy.outlierDetection.interval.seconds == 90)
        #expect(dr.trafficPolicy.outlierDetection.baseEjectionTime.seconds == 2)
    }

    @Test("broken YAML and non-mapping documents are reported with their file")
    func brokenYAML() {
        #expect(MeshYAMLParser().parse("a: [1, 2", source: "broken.yaml").errors.first?.source == "broken.yaml#1")
        #expect(MeshYAMLParser().parse("- 1\n- 2\n", source: "list.yaml").errors.first?.reason == "a document must be a mapping")
    }

    @Test("files added, changed and removed while running are picked up, with change events")
    func watch() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let nested = directory.appendingPathComponent("nested")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let first = directory.appendingPathComponent("first.yaml")
        try Self.entry("one", port: 20880).write(to: first, atomically: true, encoding: .utf8)

        let store = ConfigStore()
        let source = DirectorySource(
            configuration: .init(paths: [directory.path], pollInterval: .milliseconds(30)), store: store,
            logger: Logger(label: "test")
        )
        var changes = store.changes(debounce: .init(quietPeriod: .milliseconds(50), maxDelay: .seconds(1))).makeAsyncIterator()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await source.run() }

            let initial = await changes.next()
            #expect(initial?.keys.map(\.name) == ["one"])

            // Add a file in a subdirectory (with two documents).
            try (Self.entry("two", port: 1) + "\n---\n" + Self.entry("three", port: 3)).write(
                to: nested.appendingPathComponent("more.yml"), atomically: true, encoding: .utf8)
            let added = await changes.next()
            #expect(added?.keys.map(\.name).sorted() == ["three", "two"])

            // Change a file.
            try Self.entry("one", port: 20881).write(to: first, atomically: true, encoding: .utf8)
            let changed = await changes.next()
            #expect(changed?.keys.map(\.name) == ["one"])
            #expect(Self.port(store, "one") == 20881)

            // Make it invalid: the last valid version stays in effect and is reported.
            try Self.entry("one", port: 0).write(to: first, atomically: true, encoding: .utf8)
            #expect(await eventually { store.rejections().count == 1 })
            #expect(store.rejections().first?.source == first.path + "#1")
            #expect(Self.port(store, "one") == 20881)

            // Remove a file: its resources are deleted.
            try FileManager.default.removeItem(at: nested.appendingPathComponent("more.yml"))
            let removed = await changes.next()
            #expect(removed?.keys.map(\.name).sorted() == ["three", "two"])
            #expect(store.snapshot().count == 1)
            group.cancelAll()
        }
    }

    @Test("between full scans, change notifications find in-tree edits and new directories; a file behind a symlink out of the tree waits for the full scan")
    func notifiedScans() async throws {
        #if os(Linux)
        #expect(DirectoryChangeNotifier() != nil, "inotify is what this test exercises")
        #endif
        let directory = try Fixtures.temporaryDirectory()
        let outside = try Fixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(at: outside)
        }
        try Self.entry("one", port: 1).write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        let linked = outside.appendingPathComponent("b.yaml")
        try Self.entry("two", port: 2).write(to: linked, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("b.yaml"), withDestinationURL: linked)

        func run(fullScanInterval: Duration, _ body: (ConfigStore) async throws -> Void) async throws {
            let store = ConfigStore()
            let source = DirectorySource(
                configuration: .init(paths: [directory.path], pollInterval: .milliseconds(20), fullScanInterval: fullScanInterval),
                store: store, logger: Logger(label: "test")
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await source.run() }
                #expect(await eventually { Self.port(store, "one") != nil && Self.port(store, "two") == 2 })
                try await body(store)
                group.cancelAll()
            }
        }
        // No full scan during the test: only notifications can find these.
        try await run(fullScanInterval: .seconds(3600)) { store in
            try Self.entry("one", port: 11).write(to: directory.appendingPathComponent("a.yaml"), atomically: false, encoding: .utf8)
            #expect(await eventually { Self.port(store, "one") == 11 })
            let nested = directory.appendingPathComponent("new")
            try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
            try Self.entry("three", port: 3).write(to: nested.appendingPathComponent("c.yaml"), atomically: false, encoding: .utf8)
            #expect(await eventually { Self.port(store, "three") == 3 })
            try Self.entry("three", port: 33).write(to: nested.appendingPathComponent("c.yaml"), atomically: false, encoding: .utf8)
            #expect(await eventually { Self.port(store, "three") == 33 })
        }
        // The linked file's own directory is not watched: its in-place edit is found by a full scan.
        try await run(fullScanInterval: .milliseconds(200)) { store in
            try Self.entry("two", port: 22).write(to: linked, atomically: false, encoding: .utf8)
            #expect(await eventually { Self.port(store, "two") == 22 })
        }
    }

    @Test("a resource defined twice is an error on the later document")
    func duplicates() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.entry("one", port: 1).write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try Self.entry("one", port: 2).write(to: directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let (resources, errors) = DirectorySource.check(paths: [directory.path])
        #expect(resources.count == 1)
        #expect(errors.count == 1)
        #expect(errors.first?.reason.contains("duplicate resource") == true)
        #expect(errors.first?.source.hasSuffix("b.yaml#1") == true)
    }
}
