internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// VirtualService `http` routes as Envoy routes, as istiod's `BuildHTTPRoutesForVirtualService` and
/// `TranslateRoute` build them (Istio 1.29).
///
/// The oldest VirtualService for a host decides (a later one's virtual host is dropped by istiod as
/// a duplicate; here it is reported). Each `http` entry gives one route per `match` entry that
/// applies to the proxy and port (one route when it has none); once a catch-all route is emitted,
/// later entries are dropped. A VirtualService that yields no route for this proxy is ignored and the
/// service gets the default route.
enum HTTPRouteTranslator {
    /// The routes of `binding`'s virtual host.
    static func routes(for binding: ServiceBinding, context: HTTPRouteContext, diagnostics: inout [Diagnostic]) -> [Envoy_Config_Route_V3_Route] {
        guard let vs = L7RoutePlan.decidingVirtualService(of: binding, diagnostics: &diagnostics) else {
            return [defaultRoute(for: binding, context: context, diagnostics: &diagnostics)]
        }
        var routes: [Envoy_Config_Route_V3_Route] = []
        entries: for (index, http) in vs.spec.http.enumerated() {
            let label = "\(vs.key.namespace)/\(vs.key.name) http[\(index)]"
            if http.hasDelegate {
                diagnostics.append(Diagnostic(.unsupportedFeature, config: vs.key, "\(label): delegate VirtualServices are not supported yet; route skipped"))
                continue
            }
            let matches: [Istio_Networking_V1alpha3_HTTPMatchRequest?] = http.match.isEmpty
                ? [nil] : http.match.filter { MatchConversion.applies($0, to: context.proxy, listenerPort: context.listenerPort) }
            for match in matches {
                guard let route = route(http, match: match, vs: vs, context: context, label: label, diagnostics: &diagnostics) else { continue }
                routes.append(route)
                if HTTPRouteMatch.isCatchAll(route.match) { break entries }
            }
        }
        return routes.isEmpty ? [defaultRoute(for: binding, context: context, diagnostics: &diagnostics)] : routes
    }

    /// The route of a service no VirtualService routes: everything to `outbound|PORT||HOST` with the
    /// default retry policy and the service's DestinationRule hash policy.
    static func defaultRoute(for binding: ServiceBinding, context: HTTPRouteContext, diagnostics: inout [Diagnostic]) -> Envoy_Config_Route_V3_Route {
        var route = Envoy_Config_Route_V3_Route()
        route.name = "default"
        route.match = HTTPRouteMatch.routeMatch(nil)
        let cluster = binding.defaultCluster
        route.decorator.operation = "\(binding.service.hostname):\(binding.port.number)/*"
        guard context.catalog.contains(cluster) else {
            diagnostics.append(Diagnostic(.noEndpoints, config: binding.service.source, "\(cluster) does not exist; requests get 503"))
            route.directResponse.status = 503
            return route
        }
        var action = Envoy_Config_Route_V3_RouteAction()
        action.cluster = cluster
        let hash = HTTPHashPolicy.of(binding.trafficPolicy)
        if let hash { action.hashPolicy = [hash] }
        HTTPRouteAction.setTimeout(nil, on: &action, proxyless: false)
        if let retry = HTTPRetryPolicy.outbound(nil, meshDefault: context.defaultRetries, consistentHash: hash != nil) { action.retryPolicy = retry }
        route.route = action
        return route
    }

    /// The route of one `http` entry and one of its match entries (nil: no match), or nil when it
    /// cannot be expressed for this proxy.
    private static func route(
        _ http: Istio_Networking_V1alpha3_HTTPRoute, match: Istio_Networking_V1alpha3_HTTPMatchRequest?, vs: ResolvedVirtualService,
        context: HTTPRouteContext, label: String, diagnostics: inout [Diagnostic]
    ) -> Envoy_Config_Route_V3_Route? {
        var route = Envoy_Config_Route_V3_Route()
        route.name = http.name + (match.map { $0.name.isEmpty ? "" : ".\($0.name)" } ?? "")
        route.match = HTTPRouteMatch.routeMatch(match)
        if let match, !match.statPrefix.isEmpty { route.statPrefix = match.statPrefix }
        route.metadata.filterMetadata["istio"] = Google_Protobuf_Struct(fields: [
            "config": Google_Protobuf_Value(stringValue: "/apis/networking.istio.io/v1/namespaces/\(vs.key.namespace)/virtual-service/\(vs.key.name)")
        ])
        let operationPath = HTTPRouteMatch.operationPath(route.match)
        route.decorator.operation = "\(vs.key.name):\(context.listenerPort)\(operationPath)"
        let headers = HTTPHeaderOperations(http.hasHeaders ? http.headers : nil)

        if http.hasRedirect || http.hasDirectResponse {
            guard !context.proxyless else {
                diagnostics.append(Diagnostic(.unsupportedFeature, config: vs.key, "\(label): redirect and directResponse fail gRPC calls; route left out for proxyless clients"))
                return nil
            }
            if http.hasRedirect {
                guard let redirect = HTTPRouteAction.redirect(http.redirect, listenerPort: context.listenerPort) else {
                    diagnostics.append(Diagnostic(.invalidValue, config: vs.key, "\(label): redirectCode \(http.redirect.redirectCode) is not a redirect status; route skipped"))
                    return nil
                }
                route.redirect = redirect
            } else {
                route.directResponse = HTTPRouteAction.directResponse(http.directResponse)
            }
        } else {
            let forwarded = HTTPRouteAction.forward(
                http, into: &route, operationPath: operationPath, context: context, authority: headers.authority, vs: vs.key, label: label, diagnostics: &diagnostics
            )
            if !forwarded {
                guard !context.proxyless else { return nil }
                route.directResponse.status = 503
            }
        }
        headers.apply(to: &route)
        if http.hasFault, let fault = HTTPRoutePolicies.fault(http.fault, from: vs.key, label: label, diagnostics: &diagnostics) {
            route.typedPerFilterConfig[HTTPRoutePolicies.faultFilter] = try? Google_Protobuf_Any(message: fault)
        }
        if http.hasCorsPolicy {
            if context.proxyless {
                diagnostics.append(Diagnostic(.unsupportedFeature, config: vs.key, "\(label): corsPolicy is left out for proxyless gRPC clients (they reject its per-route config)"))
            } else {
                route.typedPerFilterConfig[HTTPRoutePolicies.corsFilter] = try? Google_Protobuf_Any(message: HTTPRoutePolicies.cors(http.corsPolicy))
            }
        }
        return route
    }
}
