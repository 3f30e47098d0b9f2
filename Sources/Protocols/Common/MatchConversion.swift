package import EnvoyAPI
package import Mesh
package import MeshAPI

/// Conversions from Istio match types to Envoy matchers, shared by the plugins.
package enum MatchConversion {
    /// An Istio `StringMatch` as an Envoy `StringMatcher` (exact, prefix or RE2 regex); nil when empty.
    package static func stringMatcher(_ match: Istio_Networking_V1alpha3_StringMatch) -> Envoy_Type_Matcher_V3_StringMatcher? {
        var matcher = Envoy_Type_Matcher_V3_StringMatcher()
        switch match.matchType {
        case .exact(let value)?: matcher.exact = value
        case .prefix(let value)?:
            guard !value.isEmpty else { return regex(".*") }
            matcher.prefix = value
        case .regex(let value)?: matcher.safeRegex = regexMatcher(value)
        case nil: return nil
        }
        return matcher
    }

    /// A `StringMatcher` holding an RE2 regex.
    package static func regex(_ pattern: String) -> Envoy_Type_Matcher_V3_StringMatcher {
        var matcher = Envoy_Type_Matcher_V3_StringMatcher()
        matcher.safeRegex = regexMatcher(pattern)
        return matcher
    }

    package static func regexMatcher(_ pattern: String) -> Envoy_Type_Matcher_V3_RegexMatcher {
        var regex = Envoy_Type_Matcher_V3_RegexMatcher()
        regex.regex = pattern
        return regex
    }

    /// Header matchers for a `headers` map, sorted by header name (never in map order), using the
    /// current `string_match` field rather than the deprecated `exact_match` family. An empty matcher
    /// (or the regex `*`) is a presence match. `inverted` (a `withoutHeaders` map) also sets
    /// `invert_match` and, except for presence matches, `treat_missing_header_as_empty`, as istiod does.
    package static func headerMatchers(
        _ headers: [String: Istio_Networking_V1alpha3_StringMatch], inverted: Bool = false
    ) -> [Envoy_Config_Route_V3_HeaderMatcher] {
        headers.keys.sorted().map { name in
            var header = Envoy_Config_Route_V3_HeaderMatcher()
            header.name = name
            let match = headers[name]!
            if case .regex("*")? = match.matchType {
                header.presentMatch = true
            } else if let matcher = stringMatcher(match) {
                header.stringMatch = matcher
                header.treatMissingHeaderAsEmpty = inverted
            } else {
                header.presentMatch = true
            }
            header.invertMatch = inverted
            return header
        }
    }

    /// Whether an HTTP match entry applies to `proxy` on `listenerPort`: its `port` is unset or equal,
    /// its `sourceLabels` are a subset of the proxy's labels, its `sourceNamespace` is unset or the
    /// proxy's, and its `gateways` are unset or contain `mesh`.
    package static func applies(_ match: Istio_Networking_V1alpha3_HTTPMatchRequest, to proxy: ProxyIdentity, listenerPort: UInt32) -> Bool {
        (match.port == 0 || match.port == listenerPort)
            && match.sourceLabels.allSatisfy { proxy.labels[$0.key] == $0.value }
            && (match.sourceNamespace.isEmpty || match.sourceNamespace == proxy.namespace)
            && (match.gateways.isEmpty || match.gateways.contains("mesh"))
    }

    /// The same check for a TCP (L4) match entry.
    package static func applies(_ match: Istio_Networking_V1alpha3_L4MatchAttributes, to proxy: ProxyIdentity, listenerPort: UInt32) -> Bool {
        (match.port == 0 || match.port == listenerPort)
            && match.sourceLabels.allSatisfy { proxy.labels[$0.key] == $0.value }
            && (match.sourceNamespace.isEmpty || match.sourceNamespace == proxy.namespace)
            && (match.gateways.isEmpty || match.gateways.contains("mesh"))
    }

    /// The names of the HTTP match fields a non-HTTP plugin ignores, for diagnostics.
    package static func ignoredFields(_ match: Istio_Networking_V1alpha3_HTTPMatchRequest, supportsURI: Bool) -> [String] {
        var ignored: [String] = []
        if match.hasUri, !supportsURI { ignored.append("uri") }
        if match.hasScheme { ignored.append("scheme") }
        if match.hasAuthority { ignored.append("authority") }
        if !match.queryParams.isEmpty { ignored.append("queryParams") }
        if !match.withoutHeaders.isEmpty { ignored.append("withoutHeaders") }
        return ignored
    }
}
