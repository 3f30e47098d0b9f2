public import Foundation
public import MeshAPI

/// A service in the mesh: one host of a ServiceEntry (istiod's synthetic ones included), with every
/// address and every port of that entry.
public struct MeshService: Sendable, Hashable {
    /// The host name (FQDN or wildcard).
    public var hostname: String
    /// The ServiceEntry's namespace.
    public var namespace: String
    /// The ServiceEntry this service comes from.
    public var source: ConfigKey
    /// Every address (VIP or CIDR) of the entry; empty when it has none (port-only matching).
    public var addresses: [String]
    /// Every port, with its detected protocol.
    public var ports: [MeshServicePort]
    /// How endpoints are resolved.
    public var resolution: Istio_Networking_V1alpha3_ServiceEntry.Resolution
    /// Inside the mesh (mTLS possible) or outside.
    public var location: Istio_Networking_V1alpha3_ServiceEntry.Location
    /// Namespaces the service is exported to, as written (empty means the mesh default, `*`).
    public var exportTo: [String]
    /// The workload selector, when endpoints come from WorkloadEntries (and pods).
    public var workloadSelector: [String: String]?
    /// Whether istiod synthesised the entry from a Kubernetes Service (`synthetic-<name>`).
    public var isSynthetic: Bool
    /// Subject alt names for mTLS verification.
    public var subjectAltNames: [String]
    /// The entry's creation time (for picking among duplicate host names).
    public var creationTime: Date?

    /// The port with `number`, if any.
    public func port(_ number: UInt32) -> MeshServicePort? { ports.first { $0.number == number } }

    /// The Kubernetes Service name for synthetic entries (without `synthetic-`), else the entry's name.
    public var serviceName: String {
        isSynthetic ? String(source.name.dropFirst("synthetic-".count)) : source.name
    }
}

/// A port of a ``MeshService``.
public struct MeshServicePort: Sendable, Hashable {
    /// The service port number (used in cluster and listener names).
    public var number: UInt32
    /// The port name (`tcp-dubbo`).
    public var name: String
    /// The Istio protocol field as written (`TCP`, `HTTP`, or a Kubernetes `appProtocol`).
    public var declaredProtocol: String
    /// The port workloads listen on when it differs from `number`; 0 when unset.
    public var targetPort: UInt32
    /// The detected protocol.
    public var `protocol`: MeshProtocol
}

/// A workload endpoint of a service port.
public struct ServiceEndpoint: Sendable, Hashable {
    /// IP address, host name (DNS resolution) or `unix://` path.
    public var address: String
    /// The port traffic for the service port is sent to (0 for unix sockets).
    public var port: UInt32
    /// Workload labels (used for subset selection).
    public var labels: [String: String]
    /// Load-balancing weight; 0 means unset.
    public var weight: UInt32
    /// `region/zone/subzone`.
    public var locality: String
    /// Network for split horizon.
    public var network: String
    /// The workload's service account.
    public var serviceAccount: String
    /// The ServiceEntry (inline endpoint) or WorkloadEntry this endpoint comes from.
    public var source: ConfigKey
}
