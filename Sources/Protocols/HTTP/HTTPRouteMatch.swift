internal import EnvoyAPI
internal import MeshAPI
internal import SwiftProtobuf

/// A VirtualService `HTTPMatchRequest` as an Envoy `RouteMatch` (istiod's `TranslateRouteMatch`).
///
/// `port`, `sourceLabels`, `sourceNamespace` and `gateways` decide whether the match applies at all
/// (``MatchConversion/applies(_:to:listenerPort:)``); they are not part of the Envoy match.
enum HTTPRouteMatch {
    /// The Envoy match for `match`; nil matches everything (`{prefix: "/"}` without `case_sensitive`).
    static func routeMatch(_ match: Istio_Networking_V1alpha3_HTTPMatchRequest?) -> Envoy_Config_Route_V3_RouteMatch {
        var out = Envoy_Config_Route_V3_RouteMatch()
        guard let match else {
            out.prefix = "/"
            return out
        }
        switch match.hasUri ? match.uri.matchType : nil {
        case .exact(let path)?: out.path = path
        case .prefix(let prefix)?: out.prefix = prefix
        case .regex(let regex)?: out.safeRegex = MatchConversion.regexMatcher(regex)
        case nil: out.prefix = "/"
        }
        out.caseSensitive = Google_Protobuf_BoolValue(!match.ignoreUriCase)
        out.headers = MatchConversion.headerMatchers(match.headers) + MatchConversion.headerMatchers(match.withoutHeaders, inverted: true)
        out.headers.sort { $0.name < $1.name }
        let pseudoHeaders = [(":method", match.hasMethod, match.method), (":authority", match.hasAuthority, match.authority),
                             (":scheme", match.hasScheme, match.scheme)]
        for (name, present, value) in pseudoHeaders where present {
            out.headers += MatchConversion.headerMatchers([name: value])
        }
        out.queryParameters = match.queryParams.keys.sorted().map { name in
            var parameter = Envoy_Config_Route_V3_QueryParameterMatcher()
            parameter.name = name
            let value = match.queryParams[name]!
            if case .regex("*")? = value.matchType {
                parameter.presentMatch = true
            } else if let matcher = MatchConversion.stringMatcher(value) {
                parameter.stringMatch = matcher
            } else {
                parameter.presentMatch = true
            }
            return parameter
        }
        return out
    }

    /// Whether `match` takes every request (prefix `/` or regex `*`/`.*`, no header or query
    /// matchers): istiod drops every route after such one.
    static func isCatchAll(_ match: Envoy_Config_Route_V3_RouteMatch) -> Bool {
        guard match.headers.isEmpty, match.queryParameters.isEmpty else { return false }
        switch match.pathSpecifier {
        case .prefix(let prefix)?: return prefix == "/"
        case .safeRegex(let regex)?: return regex.regex == "*" || regex.regex == ".*"
        default: return false
        }
    }

    /// The path part of a route's decorator operation: `<prefix>*`, the exact path, the regex, or `/*`.
    static func operationPath(_ match: Envoy_Config_Route_V3_RouteMatch) -> String {
        switch match.pathSpecifier {
        case .prefix(let prefix)?: prefix + "*"
        case .path(let path)?: path
        case .safeRegex(let regex)?: regex.regex
        default: "/*"
        }
    }
}
