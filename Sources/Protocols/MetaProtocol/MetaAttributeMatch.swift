internal import EnvoyAPI
internal import MeshAPI

/// MetaRouter attribute matches as the header matchers meta_protocol_proxy applies to the codec's
/// request metadata (all must match).
enum MetaAttributeMatch {
    /// One matcher per attribute, sorted by attribute name (Aeraki emits map order): `exact`,
    /// `prefix` or an RE2 `regex` as `string_match`; an empty match, `regex: "*"`, or an empty
    /// `exact` / `prefix` (which Aeraki leaves unset) as a presence check.
    static func headerMatchers(_ match: Metaprotocol_Aeraki_Io_V1alpha1_MetaRouteMatch) -> [Envoy_Config_Route_V3_HeaderMatcher] {
        match.attributes.keys.sorted().map { name in
            var header = Envoy_Config_Route_V3_HeaderMatcher()
            header.name = name
            var matcher = Envoy_Type_Matcher_V3_StringMatcher()
            switch match.attributes[name]!.matchType {
            case .exact(let value)? where !value.isEmpty: matcher.exact = value
            case .prefix(let value)? where !value.isEmpty: matcher.prefix = value
            case .regex(let pattern)? where !pattern.isEmpty && pattern != "*": matcher = MatchConversion.regex(pattern)
            default:
                header.presentMatch = true
                return header
            }
            header.stringMatch = matcher
            return header
        }
    }
}
