internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import SwiftProtobuf

/// Builds the outbound clusters of one service port (the default one and one per DestinationRule
/// subset) with their load assignments, and the inbound clusters.
struct ClusterBuilder {
    let index: MeshIndex
    let proxy: ProxyIdentity
    let options: GeneratorOptions

    /// One generated cluster, with the load assignment it needs when it is an EDS cluster.
    struct Output {
        var cluster: Envoy_Config_Cluster_V3_Cluster
        var assignment: Envoy_Config_Endpoint_V3_ClusterLoadAssignment?
    }

    /// `outbound|PORT||HOST` and `outbound|PORT|SUBSET|HOST` for every subset. DNS clusters without
    /// endpoints are dropped, as istiod does.
    func outbound(_ entry: ProxyView.Entry, port: MeshServicePort, endpoints: [ServiceEndpoint], diagnostics: inout [String]) -> [Output] {
        let service = entry.service
        var outputs: [Output] = []
        for subset in [""] + entry.subsets {
            let name = ClusterName.outbound(port: port.number, subset: subset, host: service.hostname)
            var selected = endpoints
            if !subset.isEmpty, let labels = entry.destinationRule?.subset(named: subset)?.labels {
                selected = endpoints.filter { endpoint in labels.allSatisfy { endpoint.labels[$0.key] == $0.value } }
            }
            var cluster = base(name: name)
            var assignment: Envoy_Config_Endpoint_V3_ClusterLoadAssignment?
            switch service.resolution {
            case .dns, .dnsRoundRobin:
                guard !selected.isEmpty else {
                    diagnostics.append("\(name): DNS cluster without endpoints dropped")
                    continue
                }
                cluster.type = service.resolution == .dns ? .strictDns : .logicalDns
                let dnsEndpoints = service.resolution == .dnsRoundRobin ? Array(selected.prefix(1)) : selected
                cluster.loadAssignment = EndpointBuilder.assignment(name, dnsEndpoints)
                cluster.respectDnsTtl = true
                cluster.dnsLookupFamily = ipv4Only ? .v4Only : .all
            case .none:
                cluster.type = .originalDst
                cluster.lbPolicy = .clusterProvided
            default:
                cluster.type = .eds
                var eds = Envoy_Config_Cluster_V3_Cluster.EdsClusterConfig()
                eds.serviceName = name
                eds.edsConfig = Proto.adsConfigSource
                cluster.edsClusterConfig = eds
                assignment = EndpointBuilder.assignment(name, selected)
            }
            if let policy = entry.destinationRule?.trafficPolicy(port: port.number, subset: subset) {
                ClusterTrafficPolicy.apply(policy, to: &cluster, sni: ClusterName.sni(port: port.number, subset: subset, host: service.hostname),
                                           subjectAltNames: service.subjectAltNames, diagnostics: &diagnostics)
                if cluster.type == .originalDst { assignment = nil }
            }
            outputs.append(Output(cluster: cluster, assignment: assignment))
        }
        return outputs
    }

    /// Whether the proxy has only IPv4 addresses (DNS clusters then look up A records only).
    var ipv4Only: Bool { proxy.ipAddresses.allSatisfy { !$0.contains(":") } }

    /// A cluster with Istio's defaults: connect timeout, LEAST_REQUEST, wide-open circuit breakers.
    func base(name: String) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = name
        cluster.connectTimeout = Proto.duration(seconds: options.connectTimeoutSeconds)
        cluster.lbPolicy = .leastRequest
        var thresholds = Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds()
        thresholds.maxConnections = Google_Protobuf_UInt32Value(UInt32.max)
        thresholds.maxPendingRequests = Google_Protobuf_UInt32Value(UInt32.max)
        thresholds.maxRequests = Google_Protobuf_UInt32Value(UInt32.max)
        thresholds.maxRetries = Google_Protobuf_UInt32Value(UInt32.max)
        thresholds.trackRemaining = true
        cluster.circuitBreakers.thresholds = [thresholds]
        return cluster
    }

    /// `inbound|PORT||`: original destination, bound to 127.0.0.6 so iptables lets it out.
    func inbound(port: UInt32) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = base(name: ClusterName.inbound(port: port))
        cluster.type = .originalDst
        cluster.lbPolicy = .clusterProvided
        cluster.cleanupInterval = Proto.duration(seconds: 60)
        cluster.upstreamBindConfig.sourceAddress = Self.inboundSource(port: 0)
        return cluster
    }

    static func inboundSource(port: UInt32) -> Envoy_Config_Core_V3_SocketAddress {
        var source = Envoy_Config_Core_V3_SocketAddress()
        source.address = "127.0.0.6"
        source.portValue = port
        return source
    }
}
