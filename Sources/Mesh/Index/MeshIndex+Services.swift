internal import MeshAPI

/// An endpoint before it is bound to a service port: per-port-name overrides still unresolved.
struct EndpointTemplate: Sendable {
    var entry: Istio_Networking_V1alpha3_WorkloadEntry
    var source: ConfigKey
}

extension MeshIndex {
    /// One service per (ServiceEntry, host), with all addresses and ports; endpoint templates per entry.
    static func buildServices(snapshot: ConfigSnapshot, codecs: [String: String]) -> ([MeshService], [ConfigKey: [EndpointTemplate]]) {
        let workloadEntries = snapshot.resources(of: .workloadEntry)
        var services: [MeshService] = []
        var endpoints: [ConfigKey: [EndpointTemplate]] = [:]
        for resource in snapshot.resources(of: .serviceEntry) {
            guard case .serviceEntry(let se) = resource.spec else { continue }
            let ports = se.ports.map { port in
                MeshServicePort(
                    number: port.number, name: port.name, declaredProtocol: port.protocol, targetPort: port.targetPort,
                    protocol: MeshProtocol.detect(portName: port.name, protocol: port.protocol, codecs: codecs)
                )
            }
            let selector: [String: String]? = se.hasWorkloadSelector ? se.workloadSelector.labels : nil
            for host in se.hosts {
                services.append(MeshService(
                    hostname: host, namespace: resource.key.namespace, source: resource.key,
                    addresses: se.addresses.map(Self.normalizeAddress), ports: ports, resolution: se.resolution,
                    location: se.location, exportTo: se.exportTo, workloadSelector: selector,
                    isSynthetic: resource.key.name.hasPrefix("synthetic-"), subjectAltNames: se.subjectAltNames,
                    creationTime: resource.creationTime
                ))
            }
            endpoints[resource.key] = endpointTemplates(of: se, key: resource.key, workloadEntries: workloadEntries)
        }
        services.sort { ($0.hostname, $0.namespace, $0.source.name) < ($1.hostname, $1.namespace, $1.source.name) }
        return (services, endpoints)
    }

    /// The endpoints of ServiceEntry `key`: its inline ones, then the WorkloadEntries of its namespace
    /// that its workload selector matches.
    static func endpointTemplates(
        of se: Istio_Networking_V1alpha3_ServiceEntry, key: ConfigKey, workloadEntries: [MeshResource]
    ) -> [EndpointTemplate] {
        var templates = se.endpoints.map { EndpointTemplate(entry: $0, source: key) }
        guard se.hasWorkloadSelector else { return templates }
        for we in workloadEntries where we.key.namespace == key.namespace {
            guard case .workloadEntry(let entry) = we.spec, Self.labels(entry.labels, match: se.workloadSelector.labels) else { continue }
            templates.append(EndpointTemplate(entry: entry, source: we.key))
        }
        return templates
    }

    /// A /32 or /128 CIDR becomes a plain IP, as istiod does.
    static func normalizeAddress(_ address: String) -> String {
        if address.hasSuffix("/32") || address.hasSuffix("/128") { return String(address.split(separator: "/")[0]) }
        return address
    }

    /// Whether `labels` contain every pair of `selector`.
    static func labels(_ labels: [String: String], match selector: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    /// The endpoints of `service` for service port `port` (a subset's are chosen by its
    /// ``EffectiveDestinationRule``).
    ///
    /// The endpoint port is the WorkloadEntry's port for the service port's name, else the target
    /// port, else the service port; unix sockets get 0. DNS entries without endpoints resolve the host
    /// itself.
    package func endpoints(of service: MeshService, port: UInt32) -> [ServiceEndpoint] {
        guard let servicePort = service.port(port) else { return [] }
        let templates = endpointsBySource[service.source] ?? []
        var result: [ServiceEndpoint] = templates.map { template in
            let entry = template.entry
            let isUnix = entry.address.hasPrefix("unix://")
            let number = isUnix ? 0 : (entry.ports[servicePort.name] ?? (servicePort.targetPort != 0 ? servicePort.targetPort : servicePort.number))
            return ServiceEndpoint(
                address: entry.address, port: number, labels: entry.labels, weight: entry.weight,
                locality: entry.locality.isEmpty ? entry.labels["istio-locality"] ?? "" : entry.locality,
                network: entry.network, serviceAccount: entry.serviceAccount, source: template.source
            )
        }
        if result.isEmpty, service.workloadSelector == nil, service.resolution == .dns || service.resolution == .dnsRoundRobin,
            !service.hostname.hasPrefix("*")
        {
            result = [ServiceEndpoint(
                address: service.hostname, port: servicePort.targetPort != 0 ? servicePort.targetPort : servicePort.number,
                labels: [:], weight: 0, locality: "", network: "", serviceAccount: "", source: service.source
            )]
        }
        return result
    }
}
