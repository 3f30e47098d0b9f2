internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// The action of a VirtualService HTTP route: forwarding (destinations, weights, rewrite, timeout,
/// retries, mirrors, hash policies), a redirect or a direct response (istiod's `TranslateRoute`).
enum HTTPRouteAction {
    /// Sets `route`'s forwarding action from `http`'s destinations and the decorator of a single
    /// destination (`<host>:<port><path>`). False when no destination names an existing cluster (the
    /// caller answers 503 instead: Envoy would, as the cluster is missing).
    ///
    /// One destination becomes `cluster`, its header operations join the route's; several become
    /// `weighted_clusters` (weight-0 entries dropped, no `total_weight`) with their header operations
    /// on each entry. `authority` is the host a route-level header operation asked for; a
    /// `rewrite.authority` wins over it, and it wins over a destination's. What is dropped is reported
    /// against `vs`, the VirtualService, with `label`.
    static func forward(
        _ http: Istio_Networking_V1alpha3_HTTPRoute, into route: inout Envoy_Config_Route_V3_Route, operationPath: String,
        context: HTTPRouteContext, authority: String?, vs: ConfigKey, label: String, diagnostics: inout [Diagnostic]
    ) -> Bool {
        let single = http.route.count == 1
        var resolved: [(name: String, destination: Istio_Networking_V1alpha3_HTTPRouteDestination)] = []
        for destination in http.route where single || destination.weight > 0 {
            let name = RouteDestinations.cluster(for: destination.destination, listenerPort: context.listenerPort, catalog: context.catalog)
            guard context.catalog.contains(name) else {
                let code = RouteDestinations.missingCode(for: destination.destination, listenerPort: context.listenerPort, catalog: context.catalog)
                diagnostics.append(Diagnostic(code, config: vs, "\(label): route destination \(name) does not exist; dropped"))
                continue
            }
            resolved.append((name, destination))
        }
        guard !resolved.isEmpty else {
            diagnostics.append(Diagnostic(.unknownDestination, config: vs, "\(label): no destination names an existing cluster; requests get 503"))
            return false
        }
        var action = Envoy_Config_Route_V3_RouteAction()
        var hostRewrite = http.rewrite.authority.isEmpty ? authority : http.rewrite.authority
        var hashes: [Envoy_Config_Route_V3_RouteAction.HashPolicy] = []
        for (_, destination) in resolved {
            if let hash = hashPolicy(destination.destination, context: context) { hashes.append(hash) }
        }
        if single {
            let (name, destination) = resolved[0]
            action.cluster = name
            let headers = HTTPHeaderOperations(destination.hasHeaders ? destination.headers : nil)
            headers.apply(to: &route)
            hostRewrite = hostRewrite ?? headers.authority
            let port = RouteDestinations.port(of: destination.destination, listenerPort: context.listenerPort, catalog: context.catalog)
            route.decorator.operation = "\(destination.destination.host):\(port)\(operationPath)"
        } else {
            var weighted = Envoy_Config_Route_V3_WeightedCluster()
            weighted.clusters = resolved.map { name, destination in
                var entry = Envoy_Config_Route_V3_WeightedCluster.ClusterWeight()
                entry.name = name
                entry.weight = Google_Protobuf_UInt32Value(UInt32(destination.weight))
                let headers = HTTPHeaderOperations(destination.hasHeaders ? destination.headers : nil)
                entry.requestHeadersToAdd = headers.requestToAdd
                entry.requestHeadersToRemove = headers.requestToRemove
                entry.responseHeadersToAdd = headers.responseToAdd
                entry.responseHeadersToRemove = headers.responseToRemove
                if let authority = headers.authority { entry.hostRewriteLiteral = authority }
                return entry
            }
            action.weightedClusters = weighted
        }
        if let hostRewrite { action.hostRewriteLiteral = hostRewrite }
        if http.hasRewrite {
            if http.rewrite.hasUriRegexRewrite {
                var rewrite = Envoy_Type_Matcher_V3_RegexMatchAndSubstitute()
                rewrite.pattern = MatchConversion.regexMatcher(http.rewrite.uriRegexRewrite.match)
                rewrite.substitution = http.rewrite.uriRegexRewrite.rewrite
                action.regexRewrite = rewrite
            } else if !http.rewrite.uri.isEmpty {
                action.prefixRewrite = http.rewrite.uri
            }
        }
        setTimeout(http.hasTimeout ? http.timeout : nil, on: &action, proxyless: context.proxyless)
        let consistentHash = single && !hashes.isEmpty
        if let retry = HTTPRetryPolicy.outbound(
            http.hasRetries ? http.retries : nil, meshDefault: context.defaultRetries, consistentHash: consistentHash
        ) {
            action.retryPolicy = retry
        }
        action.requestMirrorPolicies = mirrors(of: http, context: context, vs: vs, label: label, diagnostics: &diagnostics)
        action.hashPolicy = hashes
        route.route = action
        return true
    }

    /// The hash policy of `destination`'s DestinationRule for its port and subset (subset port-level,
    /// subset, port-level, top-level: the effective policy).
    private static func hashPolicy(
        _ destination: Istio_Networking_V1alpha3_Destination, context: HTTPRouteContext
    ) -> Envoy_Config_Route_V3_RouteAction.HashPolicy? {
        guard let rule = context.destinationRules[destination.host.lowercased()] else { return nil }
        let port = RouteDestinations.port(of: destination, listenerPort: context.listenerPort, catalog: context.catalog)
        return HTTPHashPolicy.of(rule.trafficPolicy(port: port, subset: destination.subset))
    }

    /// `timeout` (0s, disabled, when unset) and the same `max_grpc_timeout`; for a proxyless client
    /// also `max_stream_duration`, the only timeout gRPC reads.
    static func setTimeout(_ timeout: Google_Protobuf_Duration?, on action: inout Envoy_Config_Route_V3_RouteAction, proxyless: Bool) {
        let value = timeout ?? Google_Protobuf_Duration()
        action.timeout = value
        action.maxGrpcTimeout = value
        if proxyless { action.maxStreamDuration.maxStreamDuration = value }
    }

    /// Request mirror policies (see ``MirrorTargets``): never sampled for tracing, no `-shadow` host
    /// suffix (Istio 1.28+). Mirrors to missing clusters are dropped.
    private static func mirrors(
        of http: Istio_Networking_V1alpha3_HTTPRoute, context: HTTPRouteContext, vs: ConfigKey, label: String, diagnostics: inout [Diagnostic]
    ) -> [Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy] {
        MirrorTargets.of(http).compactMap { target in
            let cluster = RouteDestinations.cluster(for: target.destination, listenerPort: context.listenerPort, catalog: context.catalog)
            guard context.catalog.contains(cluster) else {
                let code = RouteDestinations.missingCode(for: target.destination, listenerPort: context.listenerPort, catalog: context.catalog)
                diagnostics.append(Diagnostic(code, config: vs, "\(label): mirror cluster \(cluster) does not exist; mirror dropped"))
                return nil
            }
            var policy = Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy()
            policy.cluster = cluster
            policy.runtimeFraction.defaultValue = target.fraction
            policy.traceSampled = Google_Protobuf_BoolValue(false)
            policy.disableShadowHostSuffixAppend = true
            return policy
        }
    }

    /// A redirect: authority → host, uri → path, scheme, port (explicit, or the listener port for
    /// `FROM_REQUEST_PORT`; 80 with http and 443 with https left out), and the status. Nil for a
    /// status that is no redirect.
    static func redirect(_ redirect: Istio_Networking_V1alpha3_HTTPRedirect, listenerPort: UInt32) -> Envoy_Config_Route_V3_RedirectAction? {
        var out = Envoy_Config_Route_V3_RedirectAction()
        out.hostRedirect = redirect.authority
        if !redirect.uri.isEmpty { out.pathRedirect = redirect.uri }
        if !redirect.scheme.isEmpty { out.schemeRedirect = redirect.scheme }
        switch redirect.redirectPort {
        case .port(let port)?: out.portRedirect = port
        case .derivePort(.fromRequestPort)?: out.portRedirect = listenerPort
        default: break
        }
        if (redirect.scheme == "http" && out.portRedirect == 80) || (redirect.scheme == "https" && out.portRedirect == 443) {
            out.portRedirect = 0
        }
        switch redirect.redirectCode {
        case 0, 301: out.responseCode = .movedPermanently
        case 302: out.responseCode = .found
        case 303: out.responseCode = .seeOther
        case 307: out.responseCode = .temporaryRedirect
        case 308: out.responseCode = .permanentRedirect
        default: return nil
        }
        return out
    }

    /// A direct response: the status and the inline body.
    static func directResponse(_ response: Istio_Networking_V1alpha3_HTTPDirectResponse) -> Envoy_Config_Route_V3_DirectResponseAction {
        var out = Envoy_Config_Route_V3_DirectResponseAction()
        out.status = response.status
        switch response.hasBody ? response.body.specifier : nil {
        case .string(let text)?: out.body.inlineString = text
        case .bytes(let bytes)?: out.body.inlineBytes = bytes
        case nil: break
        }
        return out
    }
}
