/// The full gRPC method paths of the discovery services.
public enum XDSMethod {
    public static let streamAggregatedResources =
        "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
    public static let deltaAggregatedResources =
        "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources"
    public static let streamClientStatus = "/envoy.service.status.v3.ClientStatusDiscoveryService/StreamClientStatus"
    public static let fetchClientStatus = "/envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus"
}
