internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Builds Thrift routes (with mirroring) from ``L7Route``s.
enum ThriftRouteBuilder {
    /// A Thrift route, or nil when its match cannot be expressed (a method prefix or regex: Thrift
    /// matches method names exactly).
    ///
    /// `method.exact` → `method_name`; `uri` exact or prefix → `service_name` (with a method, the
    /// multiplexed `SERVICE:METHOD` method name); neither → `method_name: ""` (every method);
    /// `headers` → header matchers sorted by name.
    static func route(_ plan: L7Route, listenerPort: UInt32, catalog: ClusterCatalog, diagnostics: inout [Diagnostic])
        -> Envoy_Extensions_Filters_Network_ThriftProxy_V3_Route?
    {
        var route = Envoy_Extensions_Filters_Network_ThriftProxy_V3_Route()
        route.match.methodName = ""
        if let match = plan.match {
            var method: String?
            var service: String?
            if match.hasMethod {
                guard case .exact(let value)? = match.method.matchType else {
                    diagnostics.append(Diagnostic(.unsupportedMatch, config: plan.config, "thrift: method names match exactly; a prefix or regex method match is skipped"))
                    return nil
                }
                method = value
            }
            if match.hasUri {
                switch match.uri.matchType {
                case .exact(let value)?, .prefix(let value)?: service = value.hasPrefix("/") ? String(value.dropFirst()) : value
                default:
                    diagnostics.append(Diagnostic(.unsupportedMatch, config: plan.config, "thrift: service names cannot be matched by regex; match skipped"))
                    return nil
                }
            }
            switch (service, method) {
            case (let service?, let method?): route.match.methodName = "\(service):\(method)"
            case (let service?, nil): route.match.serviceName = service
            case (nil, let method?): route.match.methodName = method
            case (nil, nil): break
            }
            route.match.headers = MatchConversion.headerMatchers(match.headers)
            let ignored = MatchConversion.ignoredFields(match, supportsURI: true)
            if !ignored.isEmpty {
                diagnostics.append(Diagnostic(.unsupportedMatch, config: plan.config, "thrift: match fields \(ignored.joined(separator: ", ")) ignored"))
            }
        }
        switch plan.target {
        case .cluster(let name):
            route.route.cluster = name
        case .weighted(let entries):
            var weighted = Envoy_Extensions_Filters_Network_ThriftProxy_V3_WeightedCluster()
            weighted.clusters = entries.map { entry in
                var cluster = Envoy_Extensions_Filters_Network_ThriftProxy_V3_WeightedCluster.ClusterWeight()
                cluster.name = entry.cluster
                cluster.weight = Google_Protobuf_UInt32Value(entry.weight)
                return cluster
            }
            route.route.weightedClusters = weighted
        }
        if let source = plan.source {
            route.route.requestMirrorPolicies = mirrors(of: source, from: plan.config, listenerPort: listenerPort, catalog: catalog, diagnostics: &diagnostics)
        }
        return route
    }

    /// Mirror policies from the route's mirrors (see ``MirrorTargets``); those to missing clusters are
    /// dropped and reported against `config`, the VirtualService.
    static func mirrors(
        of http: Istio_Networking_V1alpha3_HTTPRoute, from config: ConfigKey?, listenerPort: UInt32, catalog: ClusterCatalog, diagnostics: inout [Diagnostic]
    )
        -> [Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteAction.RequestMirrorPolicy]
    {
        MirrorTargets.of(http).compactMap { target in
            let cluster = RouteDestinations.cluster(for: target.destination, listenerPort: listenerPort, catalog: catalog)
            guard catalog.contains(cluster) else {
                let code = RouteDestinations.missingCode(for: target.destination, listenerPort: listenerPort, catalog: catalog)
                diagnostics.append(Diagnostic(code, config: config, "thrift: mirror cluster \(cluster) does not exist; mirror dropped"))
                return nil
            }
            var policy = Envoy_Extensions_Filters_Network_ThriftProxy_V3_RouteAction.RequestMirrorPolicy()
            policy.cluster = cluster
            var fraction = Envoy_Config_Core_V3_RuntimeFractionalPercent()
            fraction.defaultValue = target.fraction
            policy.runtimeFraction = fraction
            return policy
        }
    }
}
