package import Mesh
package import MeshAPI

/// A resolved route target: one cluster, or several with weights.
package enum RouteTarget: Sendable, Hashable {
    /// All traffic to one cluster.
    case cluster(String)
    /// Traffic split by weight (every weight > 0, at least two entries).
    case weighted([WeightedTarget])
}

/// One entry of a weighted split.
package struct WeightedTarget: Sendable, Hashable {
    /// The cluster.
    package var cluster: String
    /// The weight (> 0).
    package var weight: UInt32
}

/// Resolves VirtualService destinations to existing clusters.
package enum RouteDestinations {
    /// The target of `destinations`, or nil when none of them names an existing cluster.
    ///
    /// A single destination is taken whatever its weight; with several, entries of weight 0 are
    /// dropped (as istiod does), and destinations whose cluster does not exist are dropped and reported
    /// in `diagnostics` against `config`, the rule naming them. What remains becomes a plain cluster
    /// when one entry is left.
    package static func target(
        _ destinations: [(destination: Istio_Networking_V1alpha3_Destination, weight: Int32)],
        listenerPort: UInt32, catalog: ClusterCatalog, config: ConfigKey?, diagnostics: inout [Diagnostic]
    ) -> RouteTarget? {
        let single = destinations.count == 1
        var entries: [WeightedTarget] = []
        for (destination, weight) in destinations where single || weight > 0 {
            let name = cluster(for: destination, listenerPort: listenerPort, catalog: catalog)
            guard catalog.contains(name) else {
                let code = missingCode(for: destination, listenerPort: listenerPort, catalog: catalog)
                diagnostics.append(Diagnostic(code, config: config, "route destination \(name) does not exist; dropped"))
                continue
            }
            if let index = entries.firstIndex(where: { $0.cluster == name }) {
                entries[index].weight += UInt32(max(weight, 0))
            } else {
                entries.append(WeightedTarget(cluster: name, weight: UInt32(max(weight, single ? 100 : 0))))
            }
        }
        switch entries.count {
        case 0: return nil
        case 1: return .cluster(entries[0].cluster)
        default: return .weighted(entries)
        }
    }

    /// The cluster a destination names: `outbound|PORT|SUBSET|HOST`, the port resolved by
    /// ``ClusterCatalog/port(forHost:explicit:listenerPort:)``.
    package static func cluster(for destination: Istio_Networking_V1alpha3_Destination, listenerPort: UInt32, catalog: ClusterCatalog) -> String {
        ClusterName.outbound(port: port(of: destination, listenerPort: listenerPort, catalog: catalog), subset: destination.subset, host: destination.host)
    }

    /// Why `destination`'s cluster does not exist: `unknown_subset` when it names a subset of a host
    /// whose cluster exists, else `unknown_destination`.
    package static func missingCode(for destination: Istio_Networking_V1alpha3_Destination, listenerPort: UInt32, catalog: ClusterCatalog) -> DiagnosticCode {
        guard !destination.subset.isEmpty else { return .unknownDestination }
        let port = port(of: destination, listenerPort: listenerPort, catalog: catalog)
        return catalog.contains(ClusterName.outbound(port: port, host: destination.host)) ? .unknownSubset : .unknownDestination
    }

    /// The service port a destination goes to (see ``ClusterCatalog/port(forHost:explicit:listenerPort:)``).
    package static func port(of destination: Istio_Networking_V1alpha3_Destination, listenerPort: UInt32, catalog: ClusterCatalog) -> UInt32 {
        catalog.port(forHost: destination.host, explicit: destination.hasPort ? destination.port.number : 0, listenerPort: listenerPort)
    }

    /// The destinations of an HTTP route, as (destination, weight) pairs.
    package static func of(_ route: Istio_Networking_V1alpha3_HTTPRoute) -> [(destination: Istio_Networking_V1alpha3_Destination, weight: Int32)] {
        route.route.map { ($0.destination, $0.weight) }
    }
}
