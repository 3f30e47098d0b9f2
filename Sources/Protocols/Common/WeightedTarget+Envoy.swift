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
    /// For protocols that cannot tell services apart on one connection: a `shadowed_service`
    /// diagnostic for each bound service the primary one shadows (none when it is alone on the
    /// listener), naming the shadowed service's ServiceEntry. The generator prefixes the listener's name.
    package func shadowedServicesDiagnostics(protocol name: String) -> [Diagnostic] {
        bindings.dropFirst().map { binding in
            Diagnostic(
                .shadowedService, config: binding.service.source,
                "\(name) cannot route by host; \(binding.service.hostname) shadowed by \(primary.service.hostname)"
            )
        }
    }
}
