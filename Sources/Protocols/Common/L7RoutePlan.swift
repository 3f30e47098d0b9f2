package import Mesh
package import MeshAPI

/// One routing decision of a layer-7 plugin: an optional match (nil matches every request) and where
/// matching requests go.
package struct L7Route: Sendable {
    /// The HTTP match entry this route comes from; nil for a catch-all.
    package var match: Istio_Networking_V1alpha3_HTTPMatchRequest?
    /// Where requests go.
    package var target: RouteTarget
    /// The VirtualService HTTP route it comes from (for mirror settings); nil for the default route.
    package var source: Istio_Networking_V1alpha3_HTTPRoute?
    /// The VirtualService it comes from, which diagnostics about it name; nil for the default route.
    package var config: ConfigKey? = nil
}

/// Walks a service's VirtualService `http` routes the way Aeraki reuses them for Dubbo and Thrift,
/// minus its defects: every `match` entry of a route (OR), not only the first; the destination's own
/// host and port, not the service's; entries that do not apply to this proxy (port, source labels,
/// source namespace, gateways) are skipped; destinations that name no cluster are dropped.
package enum L7RoutePlan {
    /// The routes for `binding` on `listenerPort`, in VirtualService order; a single default route to
    /// `outbound|PORT||HOST` when no VirtualService yields one.
    package static func routes(
        for binding: ServiceBinding, listenerPort: UInt32, proxy: ProxyIdentity, catalog: ClusterCatalog,
        diagnostics: inout [Diagnostic]
    ) -> [L7Route] {
        var routes: [L7Route] = []
        if let vs = decidingVirtualService(of: binding, diagnostics: &diagnostics) {
            for (index, http) in vs.spec.http.enumerated() {
                let label = "\(vs.key.namespace)/\(vs.key.name) http[\(index)]"
                if http.hasRedirect || http.hasDirectResponse || http.hasDelegate {
                    diagnostics.append(Diagnostic(.unsupportedFeature, config: vs.key, "\(label): redirect, directResponse and delegate are HTTP-only; route skipped"))
                    continue
                }
                guard let target = RouteDestinations.target(
                    RouteDestinations.of(http), listenerPort: listenerPort, catalog: catalog, config: vs.key, diagnostics: &diagnostics
                ) else {
                    diagnostics.append(Diagnostic(.unknownDestination, config: vs.key, "\(label): no destination names an existing cluster; route skipped"))
                    continue
                }
                if http.match.isEmpty {
                    routes.append(L7Route(match: nil, target: target, source: http, config: vs.key))
                    continue
                }
                for match in http.match where MatchConversion.applies(match, to: proxy, listenerPort: listenerPort) {
                    routes.append(L7Route(match: match, target: target, source: http, config: vs.key))
                }
            }
        }
        if routes.isEmpty {
            routes.append(L7Route(match: nil, target: .cluster(binding.defaultCluster), source: nil))
        }
        return routes
    }

    /// The VirtualService that routes `binding`: the oldest one for its host (istiod drops the
    /// virtual hosts of later ones as duplicates); the newer ones it shadows are reported.
    package static func decidingVirtualService(of binding: ServiceBinding, diagnostics: inout [Diagnostic]) -> ResolvedVirtualService? {
        guard let vs = binding.virtualServices.first else { return nil }
        diagnostics += Diagnostic.shadowed(binding.virtualServices.dropFirst().map(\.key), by: vs.key, in: binding.service.hostname)
        return vs
    }
}
