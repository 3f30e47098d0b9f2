internal import Foundation
internal import Mesh
internal import MeshAPI

/// Turns a Kubernetes Service, its EndpointSlices and their Pods into the ServiceEntry istiod's
/// Kubernetes registry would present for it (`ServiceToServiceEntry`), named `synthetic-<service>`
/// as istiod names it on MCP, with the endpoints inline so an endpoint change is an endpoints-only
/// change of that entry.
///
/// - Host `<name>.<namespace>.svc.<domain suffix>`; addresses: the cluster IPs.
/// - Ports: name (an unnamed port becomes `unnamed-<number>`, still detected as no protocol),
///   protocol from `appProtocol` when it names a protocol, UDP for UDP ports, otherwise left to the
///   port name's prefix (``MeshProtocol/detect(portName:protocol:codecs:)``); numeric target ports.
///   A second port with the same number (TCP and UDP 53) is dropped: a ServiceEntry cannot have it.
/// - Resolution: STATIC for a cluster IP, NONE for a headless Service (istiod's passthrough), DNS to
///   the external name, MESH_EXTERNAL, for ExternalName.
/// - Endpoints: ready addresses (an unknown readiness counts as ready, as the API documents) of
///   IPv4/IPv6 slices labelled `kubernetes.io/service-name`, with each slice port as the endpoint
///   port of the service port of the same name, and the labels and service account of the Pod the
///   endpoint's `targetRef` names.
/// - `exportTo` from the `networking.istio.io/exportTo` annotation.
enum ServiceEntrySynthesis {
    /// The name prefix of synthesized entries.
    static let namePrefix = "synthetic-"
    /// The annotation that limits a Service's visibility.
    static let exportToAnnotation = "networking.istio.io/exportTo"

    /// Why a Service gives no ServiceEntry.
    struct Skipped: Error, Equatable {
        var reason: String
    }

    /// The entry for `service`, or why there is none.
    static func serviceEntry(
        for service: KubeService, slices: [KubeEndpointSlice], pods: [String: KubePod], domainSuffix: String
    ) -> Result<MeshResource, Skipped> {
        let namespace = service.metadata.namespace ?? "default"
        let ports = ports(of: service)
        guard !ports.isEmpty else { return .failure(Skipped(reason: "the Service has no ports; the mesh routes by port")) }
        var entry = Istio_Networking_V1alpha3_ServiceEntry()
        entry.hosts = ["\(service.metadata.name).\(namespace).svc.\(domainSuffix)"]
        entry.ports = ports
        entry.location = .meshInternal
        if let annotation = service.metadata.annotations?[exportToAnnotation] {
            entry.exportTo = annotation.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if service.spec.type == "ExternalName" {
            guard let external = service.spec.externalName, !external.isEmpty else {
                return .failure(Skipped(reason: "an ExternalName Service without spec.externalName"))
            }
            entry.location = .meshExternal
            entry.resolution = .dns
            var endpoint = Istio_Networking_V1alpha3_WorkloadEntry()
            endpoint.address = external
            entry.endpoints = [endpoint]
        } else {
            let clusterIPs = (service.spec.clusterIPs ?? [service.spec.clusterIP].compactMap { $0 }).filter { !$0.isEmpty && $0 != "None" }
            entry.addresses = clusterIPs
            entry.resolution = clusterIPs.isEmpty ? .none : .static
            entry.endpoints = endpoints(of: service, ports: ports, slices: slices, pods: pods, namespace: namespace)
        }
        return .success(MeshResource(
            key: ConfigKey(kind: .serviceEntry, namespace: namespace, name: namePrefix + service.metadata.name),
            spec: .serviceEntry(entry), labels: service.metadata.labels ?? [:], annotations: service.metadata.annotations ?? [:],
            creationTime: service.metadata.creationTimestamp.flatMap { try? Date($0, strategy: .iso8601) },
            version: service.metadata.resourceVersion ?? ""
        ))
    }

    /// The name a Service port has in the entry.
    static func portName(_ port: KubeService.Port) -> String {
        if let name = port.name, !name.isEmpty { name } else { "unnamed-\(port.port)" }
    }

    private static func ports(of service: KubeService) -> [Istio_Networking_V1alpha3_ServicePort] {
        var seen = Set<UInt32>()
        return (service.spec.ports ?? []).compactMap { port in
            guard seen.insert(port.port).inserted else { return nil }
            var result = Istio_Networking_V1alpha3_ServicePort()
            result.number = port.port
            result.name = portName(port)
            result.protocol = declaredProtocol(port)
            if case .int(let target) = port.targetPort, target != 0 { result.targetPort = target }
            return result
        }
    }

    /// Istio's `ConvertProtocol` for what a ServiceEntry can carry: an `appProtocol` that names a
    /// protocol wins; a UDP port is UDP; otherwise empty, and the port name decides.
    static func declaredProtocol(_ port: KubeService.Port) -> String {
        if let app = port.appProtocol, !app.isEmpty {
            let detected = MeshProtocol.detect(portName: "", protocol: app, codecs: [:])
            if detected != .unknown { return detected.description }
        }
        return port.protocol?.uppercased() == "UDP" ? "UDP" : ""
    }

    private static func endpoints(
        of service: KubeService, ports: [Istio_Networking_V1alpha3_ServicePort], slices: [KubeEndpointSlice],
        pods: [String: KubePod], namespace: String
    ) -> [Istio_Networking_V1alpha3_WorkloadEntry] {
        let nameOfPort = Dictionary((service.spec.ports ?? []).map { ($0.name ?? "", portName($0)) }) { first, _ in first }
        let entryPorts = Set(ports.map(\.name))
        var byAddress: [String: Istio_Networking_V1alpha3_WorkloadEntry] = [:]
        for slice in slices where slice.addressType == "IPv4" || slice.addressType == "IPv6" {
            for endpoint in slice.endpoints ?? [] where endpoint.conditions?.ready != false {
                guard let address = endpoint.addresses.first else { continue }
                var entry = byAddress[address] ?? Istio_Networking_V1alpha3_WorkloadEntry()
                entry.address = address
                for port in slice.ports ?? [] {
                    guard let number = port.port, let name = nameOfPort[port.name ?? ""], entryPorts.contains(name) else { continue }
                    entry.ports[name] = number
                }
                if let target = endpoint.targetRef, target.kind == "Pod", let name = target.name,
                    let pod = pods["\(target.namespace ?? namespace)/\(name)"]
                {
                    entry.labels = pod.metadata.labels ?? [:]
                    entry.serviceAccount = pod.spec?.serviceAccountName ?? ""
                }
                byAddress[address] = entry
            }
        }
        return byAddress.values.sorted { $0.address < $1.address }
    }
}
