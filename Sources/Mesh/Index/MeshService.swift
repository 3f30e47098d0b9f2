package import Foundation
package import MeshAPI

/// A service in the mesh: one host of a ServiceEntry (istiod's synthetic ones included), with every
/// address and every port of that entry.
package struct MeshService: Sendable, Hashable {
    /// The host name (FQDN or wildcard).
    package var hostname: String
    /// The ServiceEntry's namespace.
    package var namespace: String
    /// The ServiceEntry this service comes from.
    package var source: ConfigKey
    /// Every address (VIP or CIDR) of the entry; empty when it has none (port-only matching).
    package var addresses: [String]
    /// Every port, with its detected protocol.
    package var ports: [MeshServicePort]
    /// How endpoints are resolved.
    package var resolution: Istio_Networking_V1alpha3_ServiceEntry.Resolution
    /// Inside the mesh (mTLS possible) or outside.
    package var location: Istio_Networking_V1alpha3_ServiceEntry.Location
    /// Namespaces the service is exported to, as written (empty means the mesh default, `*`).
    package var exportTo: [String]
    /// The workload selector, when endpoints come from WorkloadEntries (and pods).
    package var workloadSelector: [String: String]?
    /// Whether istiod synthesised the entry from a Kubernetes Service (`synthetic-<name>`).
    package var isSynthetic: Bool
    /// Subject alt names for mTLS verification.
    package var subjectAltNames: [String]
    /// The entry's creation time (for picking among duplicate host names).
    package var creationTime: Date?

    /// The port with `number`, if any.
    package func port(_ number: UInt32) -> MeshServicePort? { ports.first { $0.number == number } }

    /// The Kubernetes Service name for synthetic entries (without `synthetic-`), else the entry's name.
    package var serviceName: String {
        isSynthetic ? String(source.name.dropFirst("synthetic-".count)) : source.name
    }
}

/// A port of a ``MeshService``.
package struct MeshServicePort: Sendable, Hashable {
    /// The service port number (used in cluster and listener names).
    package var number: UInt32
    /// The port name (`tcp-dubbo`).
    package var name: String
    /// The Istio protocol field as written (`TCP`, `HTTP`, or a Kubernetes `appProtocol`).
    package var declaredProtocol: String
    /// The port workloads listen on when it differs from `number`; 0 when unset.
    package var targetPort: UInt32
    /// The detected protocol.
    package var `protocol`: MeshProtocol
}

/// A workload endpoint of a service port.
package struct ServiceEndpoint: Sendable, Hashable {
    /// IP address, host name (DNS resolution) or `unix://` path.
    package var address: String
    /// The port traffic for the service port is sent to (0 for unix sockets).
    package var port: UInt32
    /// Workload labels (used for subset selection).
    package var labels: [String: String]
    /// Load-balancing weight; 0 means unset.
    package var weight: UInt32
    /// `region/zone/subzone`.
    package var locality: String
    /// Network for split horizon.
    package var network: String
    /// The workload's service account.
    package var serviceAccount: String
    /// The ServiceEntry (inline endpoint) or WorkloadEntry this endpoint comes from.
    package var source: ConfigKey
}
