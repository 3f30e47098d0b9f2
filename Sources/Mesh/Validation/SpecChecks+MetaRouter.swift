internal import MeshAPI
internal import SwiftProtobuf

extension SpecChecks {
    /// Aeraki's MetaRouter webhook (`aeraki-behaviour.md` §7.1), plus the rate-limit fields the Go
    /// code dereferences without checking (§10.8). An attribute with an empty match (`method: {}`)
    /// or `regex: "*"` is a presence check, as the CRD documents (Aeraki silently drops the empty one).
    static func metaRouter(_ router: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter, _ p: inout FieldProblems) {
        if router.hosts.isEmpty {
            p.add("hosts", "exactly one host is required")
        } else if router.hosts.count > 1 {
            p.add("hosts", "only one host is allowed, got \(router.hosts.count)")
        }
        for (i, host) in router.hosts.enumerated() where !ValidationRules.isHostname(host, allowWildcard: false) || !host.contains(".") {
            p.add("hosts[\(i)]", "\"\(host)\" is not a fully qualified domain name")
        }
        for (i, gateway) in router.gateways.enumerated() where gateway == "mesh" || !isGatewayReference(gateway) {
            p.add("gateways[\(i)]", "\"\(gateway)\" is not a gateway name or namespace/name")
        }
        if router.routes.isEmpty, !router.hasLocalRateLimit, !router.hasGlobalRateLimit {
            p.add(nil, "at least one of routes, localRateLimit or globalRateLimit is required")
        }
        p.each("routes", router.routes) { p, _, route in
            if route.hasMatch { p.within("match") { metaMatch(route.match, &$0) } }
            if route.route.isEmpty { p.add("route", "at least one destination is required") }
            var total: UInt64 = 0
            p.each("route", route.route) { p, _, destination in
                if !destination.hasDestination { p.add("destination", "destination is required") }
                p.within("destination") { metaDestination(destination.destination, &$0) }
                if destination.weight > 100 { p.add("weight", "weight \(destination.weight) is greater than 100") }
                total += UInt64(destination.weight)
            }
            if route.route.count > 1, total != 100 { p.add("route", "weights add up to \(total), not 100") }
            if route.hasMirror { p.within("mirror") { metaDestination(route.mirror, &$0) } }
            if route.hasMirrorPercentage {
                if !route.hasMirror { p.add("mirror", "mirrorPercentage needs a mirror") }
                let value = route.mirrorPercentage.value
                if !(value > 0 && value <= 100) { p.add("mirrorPercentage.value", "must be in (0, 100], got \(value)") }
            }
            for (field, mutations) in [("requestMutation", route.requestMutation), ("responseMutation", route.responseMutation)] {
                p.each(field, mutations) { p, _, kv in
                    if kv.key.isEmpty { p.add("key", "key is required") }
                    if kv.value.isEmpty { p.add("value", "value is required") }
                }
            }
        }
        if router.hasLocalRateLimit {
            p.within("localRateLimit") { p in
                let limit = router.localRateLimit
                if limit.hasTokenBucket { p.within("tokenBucket") { tokenBucket(limit.tokenBucket, &$0) } }
                p.each("conditions", limit.conditions) { p, _, condition in
                    if !condition.hasMatch { p.add("match", "match is required") } else { p.within("match") { metaMatch(condition.match, &$0) } }
                    if !condition.hasTokenBucket {
                        p.add("tokenBucket", "tokenBucket is required")
                    } else {
                        p.within("tokenBucket") { tokenBucket(condition.tokenBucket, &$0) }
                    }
                }
            }
        }
        if router.hasGlobalRateLimit {
            p.within("globalRateLimit") { p in
                let limit = router.globalRateLimit
                if limit.hasMatch { p.within("match") { metaMatch(limit.match, &$0) } }
                if limit.domain.isEmpty { p.add("domain", "domain is required") }
                if limit.rateLimitService.isEmpty { p.add("rateLimitService", "rateLimitService is required") }
                if !limit.hasRequestTimeout || !isPositive(limit.requestTimeout) {
                    p.add("requestTimeout", "a positive requestTimeout is required")
                }
                if limit.descriptors.isEmpty { p.add("descriptors", "at least one descriptor is required") }
                p.each("descriptors", limit.descriptors) { p, _, descriptor in
                    if descriptor.property.isEmpty { p.add("property", "property is required") }
                    if descriptor.descriptorKey.isEmpty { p.add("descriptorKey", "descriptorKey is required") }
                }
            }
        }
        ValidationRules.checkExportTo(router.exportTo, allowNone: false, into: &p)
    }

    private static func metaMatch(_ match: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouteMatch, _ p: inout FieldProblems) {
        for (name, value) in match.attributes.sorted(by: { $0.key < $1.key }) {
            if name.isEmpty { p.add("attributes", "an attribute name is required") }
            switch value.matchType {
            case .regex(let pattern)? where pattern != "*" && !ValidationRules.isValidRegex(pattern):
                p.add("attributes.\(name).regex", "\"\(pattern)\" is not a valid regular expression")
            default: break
            }
        }
    }

    private static func metaDestination(_ destination: Metaprotocol_Aeraki_Io_V1alpha1_Destination, _ p: inout FieldProblems) {
        if destination.host.isEmpty {
            p.add("host", "host is required")
        } else if !ValidationRules.isHostname(destination.host, allowWildcard: false) {
            p.add("host", "\"\(destination.host)\" is not a valid host name")
        }
        if !destination.subset.isEmpty, !ValidationRules.isDNS1123Label(destination.subset) {
            p.add("subset", "\"\(destination.subset)\" is not a valid subset name (DNS-1123 label)")
        }
        if destination.hasPort, !ValidationRules.isPort(destination.port.number) {
            p.add("port.number", "port \(destination.port.number) is out of range 1-65535")
        }
    }

    private static func tokenBucket(_ bucket: Metaprotocol_Aeraki_Io_V1alpha1_LocalRateLimit.TokenBucket, _ p: inout FieldProblems) {
        if bucket.maxTokens < 1 { p.add("maxTokens", "must be at least 1") }
        if !bucket.hasTokensPerFill {
            p.add("tokensPerFill", "tokensPerFill is required")
        } else if bucket.tokensPerFill.value < 1 {
            p.add("tokensPerFill", "must be at least 1")
        }
        if !bucket.hasFillInterval || !isPositive(bucket.fillInterval) { p.add("fillInterval", "a positive fillInterval is required") }
    }
}
