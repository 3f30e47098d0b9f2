internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Dubbo through Envoy's upstream `envoy.filters.network.generic_proxy` and its Dubbo codec, for
/// services that opt in with the ServiceEntry annotation ``optInAnnotation`` (`"true"`): routing with
/// attribute matching on stock Envoy. The routes come from the same VirtualService `http` rules as
/// `dubbo_proxy`'s: one virtual host per service (its interface), a first-match matcher list of
/// method (`MethodMatchInput`) and attachment (`PropertyMatchInput`) predicates, cluster or weighted
/// clusters; a route without match ends the list as its no-match action.
///
/// Not supported by Envoy's generic proxy and reported: mirroring; the Dubbo `group`/`version`
/// routing of `dubbo_proxy` is not modelled either.
enum DubboGenericProxy {
    /// The ServiceEntry annotation that opts a Dubbo service in.
    static let optInAnnotation = "aeraki.io/dubbo-generic-proxy"
    /// The network filter name.
    static let filterName = "envoy.filters.network.generic_proxy"
    static let codecName = "envoy.generic_proxy.codecs.dubbo"
    static let routerName = "envoy.filters.generic.router"

    /// Whether `binding`'s service opted in.
    static func isOptedIn(_ binding: ServiceBinding) -> Bool {
        binding.annotations[optInAnnotation]?.lowercased() == "true"
    }

    /// The outbound filter: one virtual host per binding sharing the listener.
    static func outbound(_ context: OutboundContext) throws(PluginError) -> PluginOutput {
        var diagnostics: [Diagnostic] = []
        var hosts: [Envoy_Extensions_Filters_Network_GenericProxy_V3_VirtualHost] = []
        for binding in context.bindings {
            let plan = L7RoutePlan.routes(for: binding, listenerPort: context.listenerPort, proxy: context.proxy, catalog: context.catalog, diagnostics: &diagnostics)
            var host = Envoy_Extensions_Filters_Network_GenericProxy_V3_VirtualHost()
            host.name = binding.defaultCluster
            host.hosts = [binding.annotations["interface"] ?? binding.service.hostname]
            host.routes = try matcher(plan, diagnostics: &diagnostics)
            hosts.append(host)
        }
        var config = Envoy_Extensions_Filters_Network_GenericProxy_V3_RouteConfiguration()
        config.name = context.listenerName
        config.virtualHosts = hosts
        return PluginOutput(filters: [try filter(statPrefix: context.primary.defaultCluster, routes: config)], diagnostics: diagnostics)
    }

    /// The inbound filter: every request to `inbound|PORT||`.
    static func inbound(_ context: InboundContext) throws(PluginError) -> PluginOutput {
        var ignored: [Diagnostic] = []
        var config = Envoy_Extensions_Filters_Network_GenericProxy_V3_RouteConfiguration()
        config.name = context.clusterName
        config.routes = try matcher([L7Route(match: nil, target: .cluster(context.clusterName), source: nil)], diagnostics: &ignored)
        return PluginOutput(filters: [try filter(statPrefix: context.clusterName, routes: config)])
    }

    private static func filter(
        statPrefix: String, routes: Envoy_Extensions_Filters_Network_GenericProxy_V3_RouteConfiguration
    ) throws(PluginError) -> Envoy_Config_Listener_V3_Filter {
        var proxy = Envoy_Extensions_Filters_Network_GenericProxy_V3_GenericProxy()
        proxy.statPrefix = statPrefix
        proxy.codecConfig = try extensionConfig(codecName, Envoy_Extensions_Filters_Network_GenericProxy_Codecs_Dubbo_V3_DubboCodecConfig())
        proxy.routeConfig = routes
        proxy.filters = [try extensionConfig(routerName, Envoy_Extensions_Filters_Network_GenericProxy_Router_V3_Router())]
        return try .typed(filterName, proxy)
    }

    /// The routes as a first-match matcher list; the first catch-all route becomes the no-match
    /// action (routes after it are unreachable and reported).
    static func matcher(_ plan: [L7Route], diagnostics: inout [Diagnostic]) throws(PluginError) -> Xds_Type_Matcher_V3_Matcher {
        var matcher = Xds_Type_Matcher_V3_Matcher()
        var list = Xds_Type_Matcher_V3_Matcher.MatcherList()
        for (index, route) in plan.enumerated() {
            if let source = route.source, source.hasMirror || !source.mirrors.isEmpty {
                diagnostics.append(Diagnostic(.unsupportedFeature, config: route.config, "generic_proxy: Envoy's generic proxy has no request mirroring; mirror ignored"))
            }
            var predicates: [Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate] = []
            if let match = route.match { predicates = try self.predicates(of: match, from: route.config, diagnostics: &diagnostics) }
            var onMatch = Xds_Type_Matcher_V3_Matcher.OnMatch()
            onMatch.action = try action(route.target)
            guard !predicates.isEmpty else {
                matcher.onNoMatch = onMatch
                if index < plan.count - 1 {
                    diagnostics.append(Diagnostic(.unreachableRoute, config: plan[index + 1].config, "generic_proxy: routes after a route without match are unreachable"))
                }
                break
            }
            var field = Xds_Type_Matcher_V3_Matcher.MatcherList.FieldMatcher()
            if predicates.count == 1 {
                field.predicate = predicates[0]
            } else {
                var all = Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate.PredicateList()
                all.predicate = predicates
                field.predicate.andMatcher = all
            }
            field.onMatch = onMatch
            list.matchers.append(field)
        }
        if !list.matchers.isEmpty { matcher.matcherList = list }
        return matcher
    }

    /// One predicate for the method and one per attachment (header), sorted by name.
    private static func predicates(
        of match: Istio_Networking_V1alpha3_HTTPMatchRequest, from config: ConfigKey?, diagnostics: inout [Diagnostic]
    ) throws(PluginError) -> [Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate] {
        var predicates: [Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate] = []
        if match.hasMethod, let method = MatchConversion.stringMatcher(match.method) {
            predicates.append(try single("envoy.matching.generic_proxy.input.method", Envoy_Extensions_Filters_Network_GenericProxy_Matcher_V3_MethodMatchInput(), method))
        }
        for header in MatchConversion.headerMatchers(match.headers) {
            var input = Envoy_Extensions_Filters_Network_GenericProxy_Matcher_V3_PropertyMatchInput()
            input.propertyName = header.name
            predicates.append(try single("envoy.matching.generic_proxy.input.property", input, header.presentMatch ? MatchConversion.regex(".*") : header.stringMatch))
        }
        let ignored = MatchConversion.ignoredFields(match, supportsURI: false)
        if !ignored.isEmpty {
            diagnostics.append(Diagnostic(.unsupportedMatch, config: config, "generic_proxy: match fields \(ignored.joined(separator: ", ")) ignored"))
        }
        return predicates
    }

    private static func single(
        _ name: String, _ input: any SwiftProtobuf.Message, _ matcher: Envoy_Type_Matcher_V3_StringMatcher
    ) throws(PluginError) -> Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate {
        var single = Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate.SinglePredicate()
        single.input.name = name
        single.input.typedConfig = try Google_Protobuf_Any.packing(input, plugin: filterName)
        single.valueMatch = xds(matcher)
        var predicate = Xds_Type_Matcher_V3_Matcher.MatcherList.Predicate()
        predicate.singlePredicate = single
        return predicate
    }

    /// Envoy's string matcher as the xds matcher API's.
    private static func xds(_ matcher: Envoy_Type_Matcher_V3_StringMatcher) -> Xds_Type_Matcher_V3_StringMatcher {
        var converted = Xds_Type_Matcher_V3_StringMatcher()
        switch matcher.matchPattern {
        case .exact(let value)?: converted.exact = value
        case .prefix(let value)?: converted.prefix = value
        case .suffix(let value)?: converted.suffix = value
        case .contains(let value)?: converted.contains = value
        case .safeRegex(let regex)?:
            converted.safeRegex = xdsRegex(regex.regex)
        default:
            // MatchConversion produces none of the other patterns (custom matchers); match anything.
            converted.safeRegex = xdsRegex(".*")
        }
        converted.ignoreCase = matcher.ignoreCase
        return converted
    }

    private static func xdsRegex(_ pattern: String) -> Xds_Type_Matcher_V3_RegexMatcher {
        var regex = Xds_Type_Matcher_V3_RegexMatcher()
        regex.googleRe2 = Xds_Type_Matcher_V3_RegexMatcher.GoogleRE2()
        regex.regex = pattern
        return regex
    }

    private static func action(_ target: RouteTarget) throws(PluginError) -> Xds_Core_V3_TypedExtensionConfig {
        var action = Envoy_Extensions_Filters_Network_GenericProxy_Action_V3_RouteAction()
        switch target {
        case .cluster(let name):
            action.cluster = name
        case .weighted(let entries):
            action.weightedClusters = Envoy_Config_Route_V3_WeightedCluster(entries)
        }
        var config = Xds_Core_V3_TypedExtensionConfig()
        config.name = "route"
        config.typedConfig = try Google_Protobuf_Any.packing(action, plugin: filterName)
        return config
    }

    private static func extensionConfig(_ name: String, _ message: any SwiftProtobuf.Message) throws(PluginError) -> Envoy_Config_Core_V3_TypedExtensionConfig {
        var config = Envoy_Config_Core_V3_TypedExtensionConfig()
        config.name = name
        config.typedConfig = try Google_Protobuf_Any.packing(message, plugin: filterName)
        return config
    }
}
