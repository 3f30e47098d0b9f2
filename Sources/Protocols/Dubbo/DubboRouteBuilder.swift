internal import EnvoyAPI
internal import MeshAPI
internal import SwiftProtobuf

/// Builds Dubbo routes from ``L7Route``s.
enum DubboRouteBuilder {
    /// A Dubbo route: the method matcher from `match.method` (a regex `.*` when absent, since the
    /// Dubbo proxy requires one), attachment matchers from `match.headers` sorted by name, and a
    /// cluster or weighted clusters.
    static func route(_ plan: L7Route, diagnostics: inout [Diagnostic]) -> Envoy_Extensions_Filters_Network_DubboProxy_V3_Route {
        var route = Envoy_Extensions_Filters_Network_DubboProxy_V3_Route()
        var method = Envoy_Extensions_Filters_Network_DubboProxy_V3_MethodMatch()
        method.name = MatchConversion.regex(".*")
        if let match = plan.match {
            if match.hasMethod, let matcher = MatchConversion.stringMatcher(match.method) { method.name = matcher }
            route.match.headers = MatchConversion.headerMatchers(match.headers)
            let ignored = MatchConversion.ignoredFields(match, supportsURI: false)
            if !ignored.isEmpty {
                diagnostics.append(Diagnostic(.unsupportedMatch, config: plan.config, "dubbo: match fields \(ignored.joined(separator: ", ")) ignored"))
            }
        }
        route.match.method = method
        switch plan.target {
        case .cluster(let name):
            route.route.cluster = name
        case .weighted(let entries):
            route.route.weightedClusters = Envoy_Config_Route_V3_WeightedCluster(entries)
        }
        if let source = plan.source, source.hasMirror || !source.mirrors.isEmpty {
            diagnostics.append(Diagnostic(.unsupportedFeature, config: plan.config, "dubbo: the Dubbo proxy has no request mirroring; mirror ignored"))
        }
        return route
    }
}
