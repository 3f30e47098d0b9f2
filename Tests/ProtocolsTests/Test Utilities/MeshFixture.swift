import Mesh
import Protocols

/// Builds plugin contexts from inline YAML, through the real parser, store and index.
struct MeshFixture {
    let index: MeshIndex
    let proxy: ProxyIdentity

    init(_ yaml: String, proxyNamespace: String = "demo", labels: [String: String] = [:]) throws {
        let parsed = MeshYAMLParser().parse(yaml, source: "test")
        guard parsed.errors.isEmpty else { throw ValidationErrors(parsed.errors) }
        let store = ConfigStore()
        let errors = store.replace(origin: "test", with: parsed.resources)
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        index = MeshIndex(snapshot: store.snapshot())
        proxy = ProxyIdentity(ipAddresses: ["10.9.0.1"], workloadName: "client", namespace: proxyNamespace, labels: labels)
    }

    func binding(_ host: String, port: UInt32) -> ServiceBinding {
        let service = index.services(hostname: host)[0]
        return ServiceBinding(
            service: service, port: service.port(port)!, annotations: index.snapshot[service.source]?.annotations ?? [:],
            virtualServices: index.virtualServices(for: host, proxy: proxy)
        )
    }

    /// Every `outbound|PORT|SUBSET|HOST` for the services' ports and `subsets`.
    func catalog(subsets: [String] = ["v1", "v2"]) -> ClusterCatalog {
        var names: Set<String> = []
        var ports: [String: [UInt32]] = [:]
        for service in index.services {
            ports[service.hostname] = service.ports.map(\.number)
            for port in service.ports {
                for subset in [""] + subsets { names.insert(ClusterName.outbound(port: port.number, subset: subset, host: service.hostname)) }
            }
        }
        return ClusterCatalog(names: names, portsByHost: ports)
    }

    func outbound(_ hosts: [String], port: UInt32, listener: String? = nil, catalog: ClusterCatalog? = nil) -> OutboundContext {
        OutboundContext(
            listenerPort: port, listenerName: listener ?? "0.0.0.0_\(port)", bindings: hosts.map { binding($0, port: port) },
            proxy: proxy, catalog: catalog ?? self.catalog()
        )
    }
}

