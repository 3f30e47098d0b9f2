internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Request rate limiting for a Thrift service, from the `globalRateLimit` and `localRateLimit` of
/// the MetaRouter whose `hosts` name it, applied on the serving side (inbound), where Aeraki applies
/// MetaProtocol limits.
///
/// - Global: `envoy.filters.thrift.rate_limit` before the router (domain, timeout, failure mode,
///   the gRPC rate-limit service cluster) and `rate_limits` on the route: one descriptor per
///   request from `descriptors[]` — property `method` is the Thrift method name, any other
///   property a Thrift header of that name. A `match` limits only the requests it selects (method
///   exact, headers); the others take a route without limits.
/// - Local: upstream Envoy has no Thrift local rate-limit filter, so the token bucket becomes the
///   network `envoy.filters.network.local_ratelimit` in front of `thrift_proxy`, which counts
///   **connections**, not requests. Per-request `conditions` cannot be expressed and are reported.
package enum ThriftRateLimits {
    /// The Thrift rate-limit filter name.
    package static let filterName = "envoy.filters.thrift.rate_limit"
    /// The network local rate-limit filter name.
    package static let localFilterName = "envoy.filters.network.local_ratelimit"
    /// The pseudo header Envoy's Thrift rate limiting reads the method name from.
    static let methodNameHeader = ":method-name"

    /// The rate limits of `binding`'s oldest MetaRouter carrying one, with the cluster names that
    /// exist (`clusters`) to check the rate-limit service against.
    struct Plan {
        var router: (key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)?
        var label: String { router.map { "\($0.key.namespace)/\($0.key.name)" } ?? "" }

        init(_ binding: ServiceBinding) {
            router = binding.metaRouters.first { $0.spec.hasGlobalRateLimit || $0.spec.hasLocalRateLimit }
        }

        /// A diagnostic about the MetaRouter's rate limits.
        func diagnostic(_ code: DiagnosticCode, _ message: String) -> Diagnostic {
            Diagnostic(code, config: router?.key, "\(label): \(message)")
        }
    }

    /// The global rate-limit Thrift filter, or nil (reported) when the MetaRouter has none or it
    /// cannot be honoured (no service cluster, or one the proxy does not have).
    static func globalFilter(_ plan: Plan, clusters: Set<String>, diagnostics: inout [Diagnostic]) throws(PluginError)
        -> Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftFilter?
    {
        guard let router = plan.router, router.spec.hasGlobalRateLimit else { return nil }
        let global = router.spec.globalRateLimit
        guard !global.domain.isEmpty, !global.rateLimitService.isEmpty else {
            diagnostics.append(plan.diagnostic(.invalidValue, "globalRateLimit needs domain and rateLimitService; not applied"))
            return nil
        }
        guard clusters.contains(global.rateLimitService) else {
            diagnostics.append(plan.diagnostic(.unknownDestination, "rate-limit service cluster \(global.rateLimitService) does not exist; global limit not applied"))
            return nil
        }
        guard !global.descriptors.isEmpty else {
            diagnostics.append(plan.diagnostic(.invalidValue, "globalRateLimit has no descriptors; not applied"))
            return nil
        }
        var config = Envoy_Extensions_Filters_Network_ThriftProxy_Filters_Ratelimit_V3_RateLimit()
        config.domain = global.domain
        if global.hasRequestTimeout, global.requestTimeout.seconds > 0 || global.requestTimeout.nanos > 0 { config.timeout = global.requestTimeout }
        config.failureModeDeny = global.denyOnFail
        var grpc = Envoy_Config_Core_V3_GrpcService()
        grpc.envoyGrpc.clusterName = global.rateLimitService
        config.rateLimitService.grpcService = grpc
        config.rateLimitService.transportApiVersion = .v3
        var filter = Envoy_Extensions_Filters_Network_ThriftProxy_V3_ThriftFilter()
        filter.name = filterName
        filter.typedConfig = try Google_Protobuf_Any.packing(config, plugin: ThriftPlugin.filterName)
        return filter
    }

    /// The inbound routes to `cluster` with the global limit's `rate_limits`: a limited route for
    /// the requests `match` selects, then the catch-all (limited too when there is no match).
    static func routes(_ plan: Plan, cluster: String, diagnostics: inout [Diagnostic]) -> [Envoy_Extensions_Filters_Network_ThriftProxy_V3_Route] {
        var catchAll = Envoy_Extensions_Filters_Network_ThriftProxy_V3_Route()
        catchAll.match.methodName = ""
        catchAll.route.cluster = cluster
        guard let router = plan.router, router.spec.hasGlobalRateLimit else { return [catchAll] }
        let global = router.spec.globalRateLimit
        var rateLimit = Envoy_Config_Route_V3_RateLimit()
        rateLimit.actions = global.descriptors.map { descriptor in
            var action = Envoy_Config_Route_V3_RateLimit.Action()
            var headers = Envoy_Config_Route_V3_RateLimit.Action.RequestHeaders()
            headers.headerName = descriptor.property == "method" ? methodNameHeader : descriptor.property
            headers.descriptorKey = descriptor.descriptorKey
            action.requestHeaders = headers
            return action
        }
        guard global.hasMatch, !global.match.attributes.isEmpty else {
            catchAll.route.rateLimits = [rateLimit]
            return [catchAll]
        }
        var limited = catchAll
        limited.route.rateLimits = [rateLimit]
        for name in global.match.attributes.keys.sorted() {
            let match = global.match.attributes[name]!
            if name == "method" {
                guard case .exact(let method)? = match.matchType else {
                    diagnostics.append(plan.diagnostic(.unsupportedMatch, "Thrift matches method names exactly; globalRateLimit.match.method ignored"))
                    continue
                }
                limited.match.methodName = method
                continue
            }
            var header = Envoy_Config_Route_V3_HeaderMatcher()
            header.name = name
            switch match.matchType {
            case .exact(let value)?: header.stringMatch.exact = value
            case .prefix(let value)?: header.stringMatch.prefix = value
            case .regex(let value)?: header.stringMatch.safeRegex.regex = value
            case nil: header.presentMatch = true
            }
            limited.match.headers.append(header)
        }
        return [limited, catchAll]
    }

    /// The network local rate limit for the MetaRouter's token bucket, or nil (reported) when
    /// there is none or it is unusable.
    static func localFilter(_ plan: Plan, statPrefix: String, diagnostics: inout [Diagnostic]) throws(PluginError) -> Envoy_Config_Listener_V3_Filter? {
        guard let router = plan.router, router.spec.hasLocalRateLimit else { return nil }
        let local = router.spec.localRateLimit
        if !local.conditions.isEmpty {
            diagnostics.append(plan.diagnostic(.unsupportedFeature, "localRateLimit.conditions need per-request matching, which Envoy's Thrift proxy lacks; conditions ignored"))
        }
        guard local.hasTokenBucket else {
            diagnostics.append(plan.diagnostic(.invalidValue, "localRateLimit has no tokenBucket; not applied"))
            return nil
        }
        let bucket = local.tokenBucket
        guard bucket.maxTokens > 0, bucket.hasFillInterval, bucket.fillInterval.seconds > 0 || bucket.fillInterval.nanos >= 1_000_000 else {
            diagnostics.append(plan.diagnostic(.invalidValue, "localRateLimit.tokenBucket needs maxTokens > 0 and a fillInterval of at least 1ms; not applied"))
            return nil
        }
        var config = Envoy_Extensions_Filters_Network_LocalRatelimit_V3_LocalRateLimit()
        config.statPrefix = statPrefix
        config.tokenBucket.maxTokens = bucket.maxTokens
        if bucket.hasTokensPerFill, bucket.tokensPerFill.value > 0 { config.tokenBucket.tokensPerFill = bucket.tokensPerFill }
        config.tokenBucket.fillInterval = bucket.fillInterval
        return try Envoy_Config_Listener_V3_Filter.typed(localFilterName, config)
    }
}
