internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Builds the MetaProtocol route configuration of one service port from its MetaRouter, in the
/// encoding meta_protocol_proxy subscribes to (`aeraki-behaviour.md` §6): an Envoy HTTP
/// `RouteConfiguration` named `<host>_<port>` with one virtual host `dummy` (`*`); each route
/// matches prefix `/` plus the attribute matchers, its action is a cluster or weighted clusters with
/// hash policies (metadata keys) and mirror policies, and request/response mutations are header
/// additions. The proxy converts it back into its own route type.
enum MetaRouteBuilder {
    /// `<host>_<port>`.
    static func routeName(host: String, port: UInt32) -> String { "\(host)_\(port)" }

    /// The routes of the first MetaRouter with routes (later ones are reported as shadowed); a
    /// single `default` route to `outbound|PORT||HOST` when there is none or none of its routes
    /// names an existing cluster.
    static func routeConfiguration(_ context: RouteContext, diagnostics: inout [Diagnostic]) -> Envoy_Config_Route_V3_RouteConfiguration {
        let binding = context.binding
        let routers = binding.metaRouters.filter { !$0.spec.routes.isEmpty }
        var routes: [Envoy_Config_Route_V3_Route] = []
        if let router = routers.first {
            diagnostics += Diagnostic.shadowed(routers.dropFirst().map(\.key), by: router.key, in: binding.service.hostname)
            for (index, metaRoute) in router.spec.routes.enumerated() {
                let label = "\(router.key.namespace)/\(router.key.name) routes[\(index)]"
                if let route = self.route(metaRoute, router: router.key, context: context, label: label, diagnostics: &diagnostics) { routes.append(route) }
            }
        }
        if routes.isEmpty {
            var route = Envoy_Config_Route_V3_Route()
            route.name = "default"
            route.match.prefix = "/"
            route.route.cluster = binding.defaultCluster
            var own = Istio_Networking_V1alpha3_Destination()
            own.host = binding.service.hostname
            route.route.hashPolicy = hashPolicies(for: [own], context: context, diagnostics: &diagnostics)
            routes = [route]
        }
        var virtualHost = Envoy_Config_Route_V3_VirtualHost()
        virtualHost.name = "dummy"
        virtualHost.domains = ["*"]
        virtualHost.routes = routes
        var config = Envoy_Config_Route_V3_RouteConfiguration()
        config.name = routeName(host: binding.service.hostname, port: binding.port.number)
        config.virtualHosts = [virtualHost]
        return config
    }

    /// One route; nil (reported) when none of its destinations names an existing cluster.
    private static func route(
        _ metaRoute: Metaprotocol_Aeraki_Io_V1alpha1_MetaRoute, router: ConfigKey, context: RouteContext, label: String, diagnostics: inout [Diagnostic]
    ) -> Envoy_Config_Route_V3_Route? {
        let port = context.binding.port.number
        let destinations = metaRoute.route.map { (destination: istio($0.destination), weight: Int32(clamping: $0.weight)) }
        guard let target = RouteDestinations.target(destinations, listenerPort: port, catalog: context.catalog, config: router, diagnostics: &diagnostics) else {
            diagnostics.append(Diagnostic(.unknownDestination, config: router, "\(label): no destination names an existing cluster; route skipped"))
            return nil
        }
        var route = Envoy_Config_Route_V3_Route()
        route.name = metaRoute.name
        route.match.prefix = "/"
        if metaRoute.hasMatch { route.match.headers = MetaAttributeMatch.headerMatchers(metaRoute.match) }
        switch target {
        case .cluster(let name):
            route.route.cluster = name
        case .weighted(let entries):
            route.route.weightedClusters = Envoy_Config_Route_V3_WeightedCluster(entries)
        }
        let routed = destinations.map(\.destination).filter {
            context.catalog.contains(RouteDestinations.cluster(for: $0, listenerPort: port, catalog: context.catalog))
        }
        route.route.hashPolicy = hashPolicies(for: routed, context: context, diagnostics: &diagnostics)
        if metaRoute.hasMirror {
            let mirrored = istio(metaRoute.mirror)
            let cluster = RouteDestinations.cluster(for: mirrored, listenerPort: port, catalog: context.catalog)
            if context.catalog.contains(cluster) {
                var mirror = Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy()
                mirror.cluster = cluster
                let percentage = metaRoute.hasMirrorPercentage && metaRoute.mirrorPercentage.value > 0 ? metaRoute.mirrorPercentage.value : 100
                var fraction = Envoy_Type_V3_FractionalPercent()
                fraction.numerator = UInt32((min(percentage, 100) * 10_000).rounded())
                fraction.denominator = .million
                mirror.runtimeFraction.defaultValue = fraction
                route.route.requestMirrorPolicies = [mirror]
            } else {
                let code = RouteDestinations.missingCode(for: mirrored, listenerPort: port, catalog: context.catalog)
                diagnostics.append(Diagnostic(code, config: router, "\(label): mirror destination \(cluster) does not exist; mirror dropped"))
            }
        }
        route.requestHeadersToAdd = metaRoute.requestMutation.map(headerOption)
        route.responseHeadersToAdd = metaRoute.responseMutation.map(headerOption)
        return route
    }

    /// The metadata keys to hash on for `destinations`: each destination's DestinationRule
    /// `consistentHash.httpHeaderName`, from its subset's policy, else the rule's port-level and
    /// top-level policy (Aeraki ignores the top level when a subset is routed), without duplicates.
    private static func hashPolicies(
        for destinations: [Istio_Networking_V1alpha3_Destination], context: RouteContext, diagnostics: inout [Diagnostic]
    ) -> [Envoy_Config_Route_V3_RouteAction.HashPolicy] {
        var names: [String] = []
        for destination in destinations {
            guard let rule = context.destinationRules[destination.host.lowercased()] else { continue }
            let port = context.catalog.port(forHost: destination.host, explicit: destination.hasPort ? destination.port.number : 0,
                                            listenerPort: context.binding.port.number)
            guard let policy = rule.trafficPolicy(port: port, subset: destination.subset),
                case .consistentHash(let hash)? = policy.loadBalancer.lbPolicy
            else { continue }
            switch hash.hashKey {
            case .httpHeaderName(let name)?:
                if !names.contains(name) { names.append(name) }
            case nil:
                break
            default:
                diagnostics.append(Diagnostic(
                    .unsupportedFeature, config: rule.sources.first,
                    "\(destination.host): meta_protocol_proxy hashes on request metadata only (consistentHash.httpHeaderName); the DestinationRule's other hash key is ignored"
                ))
            }
        }
        return names.map { name in
            var policy = Envoy_Config_Route_V3_RouteAction.HashPolicy()
            var header = Envoy_Config_Route_V3_RouteAction.HashPolicy.Header()
            header.headerName = name
            policy.header = header
            return policy
        }
    }

    private static func headerOption(_ mutation: Metaprotocol_Aeraki_Io_V1alpha1_KeyValue) -> Envoy_Config_Core_V3_HeaderValueOption {
        var option = Envoy_Config_Core_V3_HeaderValueOption()
        option.header.key = mutation.key
        option.header.value = mutation.value
        return option
    }

    /// A MetaRouter destination as an Istio one, so one resolver names clusters for every protocol.
    static func istio(_ destination: Metaprotocol_Aeraki_Io_V1alpha1_Destination) -> Istio_Networking_V1alpha3_Destination {
        var converted = Istio_Networking_V1alpha3_Destination()
        converted.host = destination.host
        converted.subset = destination.subset
        if destination.hasPort, destination.port.number != 0 { converted.port.number = destination.port.number }
        return converted
    }
}
