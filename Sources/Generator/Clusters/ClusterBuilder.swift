internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import Protocols
internal import SwiftProtobuf

/// Builds outbound clusters (`outbound|PORT||HOST`, one per DestinationRule subset too) with their
/// load assignments, the inbound clusters and the special ones.
struct ClusterBuilder {
    let options: GeneratorOptions
    /// Whether the proxy has only IPv4 addresses (DNS clusters then look up A records only).
    let ipv4Only: Bool

    /// The cluster of `subset` ("" for the default one) of a service port. `endpoints` are the port's
    /// endpoints (DNS clusters embed them; their service accounts are the SANs mTLS verifies), and
    /// `index` tells which of them EDS marks for mTLS. Nil for a DNS cluster without endpoints, which
    /// istiod drops too (noted in `diagnostics`). TLS: the DestinationRule's, else auto mTLS.
    func outbound(
        _ entry: ProxyView.Entry, port: MeshServicePort, subset: String, endpoints: [ServiceEndpoint], index: MeshIndex, diagnostics: inout [Diagnostic]
    ) -> Envoy_Config_Cluster_V3_Cluster? {
        let service = entry.service
        let name = ClusterName.outbound(port: port.number, subset: subset, host: service.hostname)
        var cluster = base(name: name)
        switch service.resolution {
        case .dns, .dnsRoundRobin:
            let selected = Self.select(endpoints, subset: subset, rule: entry.destinationRule)
            guard !selected.isEmpty else {
                diagnostics.append(Diagnostic(.noEndpoints, config: service.source, "\(name): DNS cluster without endpoints dropped"))
                return nil
            }
            cluster.type = service.resolution == .dns ? .strictDns : .logicalDns
            let dnsEndpoints = service.resolution == .dnsRoundRobin ? Array(selected.prefix(1)) : selected
            cluster.loadAssignment = Self.assignment(name, dnsEndpoints, entry: entry, port: port, subset: subset, index: index)
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
        }
        let sni = ClusterName.sni(port: port.number, subset: subset, host: service.hostname)
        let sans = AutoMutualTLS.subjectAltNames(service: service, endpoints: endpoints, trustDomains: options.trustDomains)
        let policy = entry.destinationRule?.trafficPolicy(port: port.number, subset: subset)
        UpstreamHTTPOptions.apply(port: port.protocol, policy: policy, to: &cluster)
        if let policy {
            ClusterTrafficPolicy.apply(policy, of: entry.destinationRule?.sources.first, to: &cluster, sni: sni, subjectAltNames: sans, diagnostics: &diagnostics)
        }
        if options.autoMutualTLS, !(policy?.hasTls ?? false) {
            AutoMutualTLS.apply(to: &cluster, entry: entry, endpoints: Self.select(endpoints, subset: subset, rule: entry.destinationRule),
                                sni: sni, subjectAltNames: sans)
        }
        if port.protocol == .redis {
            RedisClusterPolicy.apply(
                entry.redisDestination, to: &cluster, host: service.hostname, port: port.number, subset: subset, diagnostics: &diagnostics
            )
        }
        return cluster
    }

    /// The load assignment of an EDS cluster of `subset`: the port's endpoints the subset selects,
    /// those with Istio mTLS marked `tlsMode: istio`.
    static func assignment(
        _ entry: ProxyView.Entry, port: MeshServicePort, subset: String, endpoints: [ServiceEndpoint], index: MeshIndex
    ) -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment {
        let name = ClusterName.outbound(port: port.number, subset: subset, host: entry.service.hostname)
        return assignment(name, select(endpoints, subset: subset, rule: entry.destinationRule), entry: entry, port: port, subset: subset, index: index)
    }

    private static func assignment(
        _ name: String, _ endpoints: [ServiceEndpoint], entry: ProxyView.Entry, port: MeshServicePort, subset: String, index: MeshIndex
    ) -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment {
        let policy = entry.destinationRule?.trafficPolicy(port: port.number, subset: subset)
        let ruleMode = policy?.hasTls == true ? policy?.tls.mode : nil
        return EndpointBuilder.assignment(name, endpoints) { AutoMutualTLS.marksIstio($0, ruleMode: ruleMode, index: index) }
    }

    /// The endpoints `subset`'s labels select (all of them for the default cluster).
    static func select(_ endpoints: [ServiceEndpoint], subset: String, rule: EffectiveDestinationRule?) -> [ServiceEndpoint] {
        rule?.select(endpoints, subset: subset) ?? endpoints
    }

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

    /// `inbound|PORT||`: original destination, bound to 127.0.0.6 so iptables lets it out; HTTP/2
    /// to the application on HTTP2/gRPC ports.
    func inbound(port: UInt32, protocol: MeshProtocol) -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = base(name: ClusterName.inbound(port: port))
        UpstreamHTTPOptions.apply(port: `protocol`, policy: nil, to: &cluster)
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
