import Mesh
import Protocols
import Testing

/// Plugins report what they cannot honour as typed diagnostics: a code and the config that caused it.
@Suite("Plugin diagnostics")
struct DiagnosticsTests {
    static func virtualService(_ name: String, created: String = "2024-01-01T00:00:00Z", route: String) -> String {
        """

        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: \(name), namespace: demo, creationTimestamp: "\(created)"}
        spec:
          hosts: [web]
          http:
          - route: [\(route)]
        """
    }

    static func key(_ name: String, _ kind: ConfigKind = .virtualService) -> ConfigKey {
        ConfigKey(kind: kind, namespace: "demo", name: name)
    }

    /// The HTTP plugin's diagnostics for `web` routed by `virtualServices`; its subset v2 has no cluster.
    static func diagnostics(_ virtualServices: String) throws -> [Diagnostic] {
        let fixture = try MeshFixture(HTTPPluginTests.service + virtualServices)
        return try HTTPPlugin().outboundFilters(fixture.outbound(["web.demo.svc.cluster.local"], port: 8080, catalog: fixture.catalog(subsets: ["v1"]))).diagnostics
    }

    @Test("a VirtualService destination naming an unknown host is unknown_destination of that VirtualService")
    func unknownDestination() throws {
        let diagnostics = try Self.diagnostics(Self.virtualService("web", route: "{destination: {host: ghost.demo.svc.cluster.local}}"))
        let dropped = try #require(diagnostics.first { $0.message.contains("route destination outbound|8080||ghost.demo.svc.cluster.local does not exist") })
        #expect(dropped.code == .unknownDestination)
        #expect(dropped.config == Self.key("web"))
        #expect(dropped.description == "unknown_destination: \(dropped.message)")
        #expect(diagnostics.allSatisfy { $0.config == Self.key("web") })
    }

    @Test("a destination naming a subset with no cluster for the proxy is unknown_subset")
    func unknownSubset() throws {
        let diagnostics = try Self.diagnostics(Self.virtualService("web", route: """
            {destination: {host: web, subset: v2}, weight: 50}, {destination: {host: web, subset: v1}, weight: 50}
            """))
        #expect(diagnostics.map(\.code) == [.unknownSubset])
        #expect(diagnostics[0].config == Self.key("web"))
        #expect(diagnostics[0].message.contains("outbound|8080|v2|web.demo.svc.cluster.local does not exist"))
    }

    @Test("every VirtualService shadowed by an older one for the host is its own shadowed_config")
    func shadowedOnePerConfig() throws {
        let route = "{destination: {host: web}}"
        let virtualServices = Self.virtualService("newest", created: "2026-01-01T00:00:00Z", route: route)
            + Self.virtualService("oldest", route: route) + Self.virtualService("newer", created: "2025-01-01T00:00:00Z", route: route)
        let shadowed = try Self.diagnostics(virtualServices).filter { $0.code == .shadowedConfig }
        #expect(shadowed.map(\.config) == [Self.key("newer"), Self.key("newest")])
        #expect(shadowed.map(\.message) == [
            "web.demo.svc.cluster.local: VirtualService demo/newer shadowed by the older demo/oldest",
            "web.demo.svc.cluster.local: VirtualService demo/newest shadowed by the older demo/oldest",
        ])
    }

    @Test("a prefix within a listener keeps the code and the config")
    func within() {
        let diagnostic = Diagnostic(.portConflict, config: Self.key("web", .serviceEntry), "port taken")
        #expect(diagnostic.within("0.0.0.0_80") == Diagnostic(.portConflict, config: Self.key("web", .serviceEntry), "0.0.0.0_80: port taken"))
    }
}
