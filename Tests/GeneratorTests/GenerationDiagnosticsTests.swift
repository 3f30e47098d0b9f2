import Generator
import Mesh
import Protocols
import Testing

/// Generation reports what it leaves out as typed diagnostics naming the config that caused them.
@Suite("Generation diagnostics")
struct GenerationDiagnosticsTests {
    /// A plugin for `tcp` ports that cannot configure any.
    struct FailingPlugin: ProtocolPlugin {
        var protocolNames: [String] { ["tcp"] }
        func outboundFilters(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
            throw PluginError(plugin: "tcp", message: "broken")
        }
        func inboundFilters(_ context: InboundContext) throws(PluginError) -> PluginOutput {
            throw PluginError(plugin: "tcp", message: "broken")
        }
    }

    static let yaml = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db, namespace: demo}
        spec:
          hosts: [db.demo.svc.cluster.local]
          addresses: [240.240.0.9]
          ports: [{number: 5432, name: tcp-db, protocol: TCP}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.9}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: admin, namespace: demo}
        spec:
          hosts: [admin.demo.svc.cluster.local]
          ports: [{number: 15021, name: http-admin, protocol: HTTP}]
          resolution: STATIC
          endpoints: [{address: 10.1.1.10}]
        """

    static func generate(registry: PluginRegistry = .standard) throws -> GeneratedConfig {
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        #expect(parsed.errors.isEmpty && errors.isEmpty)
        let proxy = ProxyIdentity(ipAddresses: ["10.200.0.1"], workloadName: "client", namespace: "demo")
        return try ProxySnapshotBuilder(registry: registry).build(index: MeshIndex(snapshot: store.snapshot()), proxy: proxy)
    }

    @Test("a plugin that fails is plugin_failure of the service's ServiceEntry, and the port falls back to tcp_proxy")
    func pluginFailure() throws {
        let generated = try Self.generate(registry: PluginRegistry([FailingPlugin()]))
        let failure = try #require(generated.diagnostics.first { $0.message.contains("broken") })
        #expect(failure.code == .pluginFailure)
        #expect(failure.config == ConfigKey(kind: .serviceEntry, namespace: "demo", name: "db"))
        #expect(failure.message == "240.240.0.9_5432: tcp: \"broken\"; falling back to tcp_proxy")
    }

    @Test("a wildcard listener on a port Envoy reserves is port_conflict of the service's ServiceEntry")
    func reservedPort() throws {
        let conflict = try #require(try Self.generate().diagnostics.first { $0.code == .portConflict })
        #expect(conflict.config == ConfigKey(kind: .serviceEntry, namespace: "demo", name: "admin"))
        #expect(conflict.description == "port_conflict: admin.demo.svc.cluster.local:15021: port is reserved for Envoy's own listeners; no outbound listener")
    }
}
