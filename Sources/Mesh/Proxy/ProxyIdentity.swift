package import EnvoyAPI
internal import SwiftProtobuf
internal import Foundation

/// Who a connected Envoy is, as Istio identifies it: node id `TYPE~IP~POD.NAMESPACE~DOMAIN` plus the
/// node metadata Istio's agent sends (`NAMESPACE`, `LABELS`, `INSTANCE_IPS`, ...).
package struct ProxyIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The proxy role.
    package enum ProxyType: String, Sendable, Hashable {
        case sidecar, router, waypoint, ztunnel, agentgateway
    }

    /// The full node id.
    package var id: String
    /// Sidecar, gateway (`router`), ...
    package var type: ProxyType
    /// The proxy's IP addresses (`INSTANCE_IPS`, else the node id's IP).
    package var ipAddresses: [String]
    /// The pod (workload) name: the node id's third part before the first `.`.
    package var workloadName: String
    /// The config namespace (`NAMESPACE`, else from the node id).
    package var namespace: String
    /// The DNS domain (`NAMESPACE.svc.cluster.local`).
    package var dnsDomain: String
    /// The workload's labels (`LABELS`).
    package var labels: [String: String]
    /// Other string metadata (`CLUSTER_ID`, `ISTIO_VERSION`, `SERVICE_ACCOUNT`, ...).
    package var metadata: [String: String]

    /// An identity from its parts (for tests and offline generation).
    package init(
        type: ProxyType = .sidecar, ipAddresses: [String], workloadName: String, namespace: String,
        labels: [String: String] = [:], metadata: [String: String] = [:], domainSuffix: String = "cluster.local"
    ) {
        self.type = type
        self.ipAddresses = ipAddresses
        self.workloadName = workloadName
        self.namespace = namespace
        self.dnsDomain = "\(namespace).svc.\(domainSuffix)"
        self.labels = labels
        self.metadata = metadata
        self.id = "\(type.rawValue)~\(ipAddresses.first ?? "")~\(workloadName).\(namespace)~\(dnsDomain)"
    }

    /// Parses an Envoy node as istiod does (`ParseServiceNodeWithMetadata`).
    /// - Throws: ``ProxyIdentityError`` when the id does not have 4 parts, the type is unknown, or no IP is given.
    package init(node: Envoy_Config_Core_V3_Node) throws(ProxyIdentityError) {
        let parts = node.id.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else { throw ProxyIdentityError("node id \"\(node.id)\" must have 4 parts TYPE~IP~ID~DOMAIN") }
        guard let type = ProxyType(rawValue: parts[0]) else { throw ProxyIdentityError("unknown proxy type \"\(parts[0])\"") }
        var strings: [String: String] = [:]
        var labels: [String: String] = [:]
        for (key, value) in node.metadata.fields {
            switch value.kind {
            case .stringValue(let s)?: strings[key] = s
            case .structValue(let s)? where key == "LABELS":
                for (k, v) in s.fields { if case .stringValue(let sv)? = v.kind { labels[k] = sv } }
            default: break
            }
        }
        let instanceIPs = (strings["INSTANCE_IPS"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { IPAddress.parse($0) != nil }
        let ips = instanceIPs.isEmpty ? [parts[1]].filter { IPAddress.parse($0) != nil } : instanceIPs
        guard !ips.isEmpty else { throw ProxyIdentityError("node \"\(node.id)\" has no valid IP in INSTANCE_IPS or its id") }
        let idParts = parts[2].split(separator: ".", maxSplits: 1).map(String.init)
        let namespace = strings["NAMESPACE"]
            ?? (idParts.count == 2 ? idParts[1] : parts[3].split(separator: ".").first.map(String.init) ?? "")
        self.id = node.id
        self.type = type
        self.ipAddresses = ips
        self.workloadName = idParts.first ?? ""
        self.namespace = namespace
        self.dnsDomain = parts[3]
        self.labels = labels
        strings["INSTANCE_IPS"] = nil
        strings["NAMESPACE"] = nil
        self.metadata = strings
    }

    package var description: String { id }
}

/// A node that does not identify a proxy.
package struct ProxyIdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    package var message: String
    init(_ message: String) { self.message = message }
    package var description: String { "invalid proxy node: \(message)" }
}
