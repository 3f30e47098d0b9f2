internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// The rate-limit meta filters of an inbound MetaProtocol chain, from the MetaRouter of the served
/// host (`aeraki-behaviour.md` §5.7): the local token buckets first, then the call to a global rate
/// limit service. Both are enforced by the server, per instance. The MetaRouter was validated on
/// the way in (every bucket has tokens per fill and a fill interval, the global limit a timeout and
/// descriptors), so nothing here dereferences a missing field.
enum MetaRateLimitBuilder {
    /// `[local_ratelimit]` + `[ratelimit]`, each from the oldest MetaRouter that sets it (later ones
    /// are reported as shadowed). A global limit whose rate limit service cluster does not exist for
    /// the proxy (`existingClusters`) is left out and reported.
    static func filters(
        _ binding: ServiceBinding, existingClusters: Set<String>, diagnostics: inout [Diagnostic]
    ) throws(PluginError) -> [Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolFilter] {
        var filters: [Aeraki_MetaProtocolProxy_V1alpha_MetaProtocolFilter] = []
        let host = binding.service.hostname
        if let router = first(binding, "localRateLimit", where: { $0.hasLocalRateLimit }, diagnostics: &diagnostics) {
            filters.append(try MetaProtocolProxyBuilder.filter(MetaProtocolProxyBuilder.FilterName.localRateLimit, local(router.spec.localRateLimit, statPrefix: host)))
        }
        if let router = first(binding, "globalRateLimit", where: { $0.hasGlobalRateLimit }, diagnostics: &diagnostics) {
            let service = router.spec.globalRateLimit.rateLimitService
            guard existingClusters.contains(service) else {
                diagnostics.append(Diagnostic(.unknownDestination, config: router.key, "\(host): rate limit service \(service) does not exist; global rate limit left out"))
                return filters
            }
            filters.append(try MetaProtocolProxyBuilder.filter(MetaProtocolProxyBuilder.FilterName.globalRateLimit, global(router.spec.globalRateLimit)))
        }
        return filters
    }

    private static func first(
        _ binding: ServiceBinding, _ field: String, where predicate: (Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter) -> Bool,
        diagnostics: inout [Diagnostic]
    ) -> (key: ConfigKey, spec: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)? {
        let routers = binding.metaRouters.filter { predicate($0.spec) }
        guard let chosen = routers.first else { return nil }
        diagnostics += Diagnostic.shadowed(routers.dropFirst().map(\.key), by: chosen.key, in: binding.service.hostname, field: field)
        return chosen
    }

    /// `LocalRateLimit{stat_prefix, token_bucket, conditions}`: the default bucket for requests no
    /// condition matches (none: unlimited), and per-condition buckets, first match wins.
    static func local(_ limit: Metaprotocol_Aeraki_Io_V1alpha1_LocalRateLimit, statPrefix: String) -> Aeraki_MetaProtocolProxy_Filters_LocalRatelimit_V1alpha_LocalRateLimit {
        var config = Aeraki_MetaProtocolProxy_Filters_LocalRatelimit_V1alpha_LocalRateLimit()
        config.statPrefix = statPrefix
        if limit.hasTokenBucket { config.tokenBucket = tokenBucket(limit.tokenBucket) }
        config.conditions = limit.conditions.map { condition in
            var converted = Aeraki_MetaProtocolProxy_Filters_LocalRatelimit_V1alpha_LocalRateLimitCondition()
            converted.match.metadata = MetaAttributeMatch.headerMatchers(condition.match)
            converted.tokenBucket = tokenBucket(condition.tokenBucket)
            return converted
        }
        return config
    }

    /// `RateLimit{match, domain, timeout, failure_mode_deny, rate_limit_service, descriptors}`; the
    /// service is the Envoy cluster the MetaRouter names, called with the v3 transport (Aeraki leaves
    /// the version unset, which current Envoy refuses).
    static func global(_ limit: Metaprotocol_Aeraki_Io_V1alpha1_GlobalRateLimit) -> Aeraki_MetaProtocolProxy_Filters_Ratelimit_V1alpha_RateLimit {
        var config = Aeraki_MetaProtocolProxy_Filters_Ratelimit_V1alpha_RateLimit()
        if limit.hasMatch { config.match.metadata = MetaAttributeMatch.headerMatchers(limit.match) }
        config.domain = limit.domain
        config.timeout = limit.requestTimeout
        config.failureModeDeny = limit.denyOnFail
        var grpc = Envoy_Config_Core_V3_GrpcService()
        grpc.envoyGrpc.clusterName = limit.rateLimitService
        config.rateLimitService.grpcService = grpc
        config.rateLimitService.transportApiVersion = .v3
        config.descriptors = limit.descriptors.map { descriptor in
            var converted = Aeraki_MetaProtocolProxy_Filters_Ratelimit_V1alpha_RateLimit.Descriptor()
            converted.property = descriptor.property
            converted.descriptorKey = descriptor.descriptorKey
            return converted
        }
        return config
    }

    private static func tokenBucket(_ bucket: Metaprotocol_Aeraki_Io_V1alpha1_LocalRateLimit.TokenBucket) -> Envoy_Type_V3_TokenBucket {
        var converted = Envoy_Type_V3_TokenBucket()
        converted.maxTokens = bucket.maxTokens
        if bucket.hasTokensPerFill { converted.tokensPerFill = bucket.tokensPerFill }
        converted.fillInterval = bucket.fillInterval
        return converted
    }
}
