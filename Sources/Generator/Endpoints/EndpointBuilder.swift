internal import EnvoyAPI
internal import Mesh
internal import SwiftProtobuf

/// Builds ClusterLoadAssignments as istiod's endpoint builder does: endpoints grouped by locality
/// (sorted), every group with its locality (empty when unknown) and the sum of its endpoints' weights,
/// every endpoint with its address, its weight (1 when unset) and the `tlsMode: istio`
/// transport-socket-match metadata where `marksIstio` says the endpoint takes Istio mTLS
/// (``AutoMutualTLS/marksIstio(_:ruleMode:index:)``). Proxyless gRPC clients skip groups without a
/// weight, so every group has one.
enum EndpointBuilder {
    static func assignment(
        _ clusterName: String, _ endpoints: [ServiceEndpoint], marksIstio: (ServiceEndpoint) -> Bool
    ) -> Envoy_Config_Endpoint_V3_ClusterLoadAssignment {
        var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
        assignment.clusterName = clusterName
        let byLocality = Dictionary(grouping: endpoints, by: \.locality)
        assignment.endpoints = byLocality.keys.sorted().map { locality in
            var group = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
            let parts = locality.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var value = Envoy_Config_Core_V3_Locality()
            if !locality.isEmpty {
                value.region = parts[0]
                if parts.count > 1 { value.zone = parts[1] }
                if parts.count > 2 { value.subZone = parts[2] }
            }
            group.locality = value
            let sorted = byLocality[locality]!.sorted { ($0.address, $0.port) < ($1.address, $1.port) }
            group.lbEndpoints = sorted.map { lbEndpoint($0, istio: marksIstio($0)) }
            group.loadBalancingWeight = Google_Protobuf_UInt32Value(UInt32(clamping: sorted.reduce(UInt64(0)) { $0 + UInt64(max($1.weight, 1)) }))
            return group
        }
        return assignment
    }

    static func lbEndpoint(_ endpoint: ServiceEndpoint, istio: Bool) -> Envoy_Config_Endpoint_V3_LbEndpoint {
        var lb = Envoy_Config_Endpoint_V3_LbEndpoint()
        var inner = Envoy_Config_Endpoint_V3_Endpoint()
        inner.address = Proto.address(endpoint.address, port: endpoint.port)
        lb.endpoint = inner
        lb.loadBalancingWeight = Google_Protobuf_UInt32Value(max(endpoint.weight, 1))
        if istio {
            var fields = Google_Protobuf_Struct()
            fields.fields["tlsMode"] = Google_Protobuf_Value(stringValue: "istio")
            lb.metadata.filterMetadata[AutoMutualTLS.matchNamespace] = fields
        }
        return lb
    }
}
