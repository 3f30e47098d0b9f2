import Admin
import EnvoyAPI
import SwiftProtobuf
import Testing
import XDSCache

@Suite("Admin server over a loopback socket")
struct AdminServerTests {
    static func endpoints(cache: SnapshotCache, ready: Flag, metrics: AerakiMetrics) -> AdminEndpoints {
        AdminEndpoints(
            syncStatus: FakeSyncStatus(rows: Sample.rows),
            configDump: cache,
            configStore: FakeConfigStore(report: ConfigStoreReport(
                version: 3,
                resources: [.init(kind: "ServiceEntry", namespace: "demo", name: "dubbo", source: "/cfg/se.yaml", version: "v1")],
                problems: [.init(source: "/cfg/bad.yaml", resource: nil, field: "spec", reason: "cannot parse YAML")],
                generationWarnings: [
                    .init(code: "unknown_destination", config: "VirtualService demo/vs", message: "demo/vs http[0]: route skipped", proxies: 2),
                    .init(code: "plugin_failure", config: nil, message: "0.0.0.0_80: broken", proxies: 1),
                ]
            )),
            metrics: metrics,
            isReady: { ready.isSet },
            version: "9.9.9"
        )
    }

    /// Runs `body` against a live server on a free port, then stops it.
    static func withServer(_ endpoints: AdminEndpoints, _ body: @Sendable (Int) async throws -> Void) async throws {
        let server = AdminServer(configuration: .init(host: "127.0.0.1", port: 0), router: endpoints.router())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            try await body(port)
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    @Test("health, readiness, version, syncz, configz, config_dump and metrics answer over HTTP")
    func live() async throws {
        Google_Protobuf_Any.register(messageType: Envoy_Config_Cluster_V3_Cluster.self)
        let cache = SnapshotCache()
        cache.setSnapshot(try EnvoyConfigDumpTests.snapshot(), forNode: Sample.node)
        let ready = Flag()
        let metrics = AerakiMetrics()
        metrics.recordPush(typeURL: Sample.cds, bytes: 100)
        metrics.recordNack(typeURL: Sample.lds)
        let endpoints = Self.endpoints(cache: cache, ready: ready, metrics: metrics)
        try await Self.withServer(endpoints) { port in
            #expect(try HTTPGet.get(port: port, path: "/healthz").status == 200)
            #expect(try HTTPGet.get(port: port, path: "/readyz").status == 503)
            ready.set()
            #expect(try HTTPGet.get(port: port, path: "/readyz").status == 200)
            #expect(try HTTPGet.get(port: port, path: "/version").body.contains("9.9.9"))

            let syncz = try HTTPGet.get(port: port, path: "/debug/syncz")
            #expect(syncz.headers["content-type"] == "application/json")
            #expect(syncz.body.contains("\"nack_message\": \"listener rejected: bad filter\""))
            let table = try HTTPGet.get(port: port, path: "/debug/syncz", headers: ["Accept": "text/plain"])
            #expect(table.body.hasPrefix("NAME"))

            let configz = try HTTPGet.get(port: port, path: "/debug/configz").body
            #expect(configz.contains("\"source\": \"/cfg/se.yaml\"") && configz.contains("cannot parse YAML"))
            #expect(configz.contains("\"code\": \"unknown_destination\"") && configz.contains("\"config\": \"VirtualService demo/vs\""))
            #expect(configz.contains("\"code\": \"plugin_failure\"") && configz.contains("\"config\": null"))

            let dump = try HTTPGet.get(port: port, path: "/debug/config_dump?proxy=\(Sample.node)")
            #expect(dump.status == 200)
            #expect(dump.body.contains("dynamic_active_clusters") && dump.body.contains("outbound|20880||demo.svc.cluster.local"))
            let missing = try HTTPGet.get(port: port, path: "/debug/config_dump?proxy=nobody")
            #expect(missing.status == 404 && missing.body.contains(Sample.node))
            #expect(try HTTPGet.get(port: port, path: "/debug/config_dump").status == 400)

            let exposition = try HTTPGet.get(port: port, path: "/metrics").body
            #expect(exposition.contains("aeraki_xds_pushes_total{type=\"cds\"} 1"))
            #expect(exposition.contains("aeraki_xds_nacks_total{type=\"lds\"} 1"))
            #expect(exposition.contains("aeraki_xds_connected_streams"))
            #expect(!exposition.contains(Sample.node))
        }
    }

    @Test("HEAD gets headers only, and the server stops when its task is cancelled")
    func headAndStop() async throws {
        let endpoints = Self.endpoints(cache: SnapshotCache(), ready: Flag(), metrics: AerakiMetrics())
        try await Self.withServer(endpoints) { port in
            let head = try HTTPGet.get(port: port, path: "/healthz", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "3")
        }
    }

    @Test("a port already in use fails run() and listeningPort()")
    func bindFailure() async throws {
        let endpoints = Self.endpoints(cache: SnapshotCache(), ready: Flag(), metrics: AerakiMetrics())
        try await Self.withServer(endpoints) { port in
            let second = AdminServer(configuration: .init(host: "127.0.0.1", port: port), router: endpoints.router())
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: (any Error).self) { try await second.listeningPort() }
        }
    }
}
