package import EnvoyAPI
internal import Mesh
internal import SwiftProtobuf

extension Envoy_Config_Route_V3_WeightedCluster {
    /// Envoy's weighted clusters (the route type Dubbo, MetaProtocol and `generic_proxy` routes share)
    /// for a weighted split.
    package init(_ targets: [WeightedTarget]) {
        self.init()
        clusters = targets.map { target in
            var cluster = ClusterWeight()
            cluster.name = target.cluster
            cluster.weight = Google_Protobuf_UInt32Value(target.weight)
            return cluster
        }
    }
}

extension OutboundContext {
    /// For protocols that cannot tell services apart on one connection: the diagnostic naming the
    /// bound services the primary one shadows; nil when it is alone on the listener.
    package func shadowedServicesDiagnostic(protocol name: String) -> String? {
        guard bindings.count > 1 else { return nil }
        let others = bindings.dropFirst().map(\.service.hostname)
        return "\(listenerName): \(name) cannot route by host; \(others.joined(separator: ", ")) shadowed by \(primary.service.hostname)"
    }
}
