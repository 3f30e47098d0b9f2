import Generator
import Mesh
import Testing

@Suite("What a config change touches")
struct ConfigChangeImpactTests {
    static func snapshot(_ yaml: String) -> ConfigSnapshot {
        ConfigSnapshot(MeshYAMLParser().parse(yaml, source: "test").resources)
    }

    static func entry(endpoint: String, port: Int = 80) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: a, namespace: ns}
        spec:
          hosts: [a.ns.svc.cluster.local]
          ports: [{number: \(port), name: tcp}]
          resolution: STATIC
          endpoints: [{address: \(endpoint)}]
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: w, namespace: ns}
        spec:
          hosts: [w.ns.svc.cluster.local]
          ports: [{number: 80, name: tcp}]
          resolution: STATIC
          workloadSelector: {labels: {app: w}}
        """
    }

    static let a = ConfigKey(kind: .serviceEntry, namespace: "ns", name: "a")
    static let w = ConfigKey(kind: .serviceEntry, namespace: "ns", name: "w")

    @Test("a ServiceEntry whose endpoints alone changed touches only its endpoints")
    func endpointsOnly() {
        let impact = ConfigChangeImpact(keys: [Self.a], old: Self.snapshot(Self.entry(endpoint: "10.0.0.1")), new: Self.snapshot(Self.entry(endpoint: "10.0.0.2")))
        #expect(impact.endpointsOnly)
        #expect(impact.dependencies == [.endpoints(Self.a)])
        #expect(impact.endpointSources == [Self.a])
    }

    @Test("any other ServiceEntry change touches its config too")
    func portChange() {
        let impact = ConfigChangeImpact(keys: [Self.a], old: Self.snapshot(Self.entry(endpoint: "10.0.0.1")), new: Self.snapshot(Self.entry(endpoint: "10.0.0.1", port: 81)))
        #expect(!impact.endpointsOnly)
        #expect(impact.dependencies == [.endpoints(Self.a), .config(Self.a)])
    }

    @Test("a WorkloadEntry touches the endpoints of the ServiceEntries that select it")
    func workloadEntry() {
        let workload = """

            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: w1, namespace: ns}
            spec: {address: 10.0.9.1, labels: {app: w}}
            """
        let base = Self.entry(endpoint: "10.0.0.1")
        let key = ConfigKey(kind: .workloadEntry, namespace: "ns", name: "w1")
        let impact = ConfigChangeImpact(keys: [key], old: Self.snapshot(base), new: Self.snapshot(base + workload))
        #expect(impact.endpointsOnly)
        #expect(impact.endpointSources == [Self.w])
        #expect(impact.dependencies == [.config(key), .endpoints(Self.w)])
    }

    @Test("rules and other kinds are config changes")
    func rules() {
        let key = ConfigKey(kind: .virtualService, namespace: "ns", name: "x")
        let impact = ConfigChangeImpact(keys: [key], old: Self.snapshot(""), new: Self.snapshot(""))
        #expect(!impact.endpointsOnly)
        #expect(impact.dependencies == [.config(key)])
    }
}
