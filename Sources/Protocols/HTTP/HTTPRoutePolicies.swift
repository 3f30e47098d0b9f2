internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// The per-route policies of a VirtualService HTTP route that Envoy's HTTP filters read from the
/// route's `typed_per_filter_config`: fault injection and CORS (istiod's `TranslateFault`,
/// `TranslateCORSPolicy`).
enum HTTPRoutePolicies {
    /// The fault filter's name (also its per-route config key).
    static let faultFilter = "envoy.filters.http.fault"
    /// The CORS filter's name (also its per-route config key).
    static let corsFilter = "envoy.filters.http.cors"

    /// `fault` as an `HTTPFault`: percentages as fractions (a double of a million, the deprecated
    /// integer of a hundred), a fixed delay (an exponential delay drops the delay), an HTTP or gRPC
    /// status abort (an HTTP/2 error drops the abort). Nil when neither is left. What is dropped is
    /// reported against `config`, the VirtualService, with `label`.
    static func fault(
        _ fault: Istio_Networking_V1alpha3_HTTPFaultInjection, from config: ConfigKey, label: String, diagnostics: inout [Diagnostic]
    ) -> Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault? {
        var out = Envoy_Extensions_Filters_Http_Fault_V3_HTTPFault()
        if fault.hasDelay {
            let delay = fault.delay
            if case .fixedDelay(let duration)? = delay.httpDelayType {
                var faultDelay = Envoy_Extensions_Filters_Common_Fault_V3_FaultDelay()
                faultDelay.fixedDelay = duration
                faultDelay.percentage = delay.hasPercentage ? Percentages.million(delay.percentage.value) : Percentages.hundred(UInt32(max(delay.percent, 0)))
                out.delay = faultDelay
            } else {
                diagnostics.append(Diagnostic(.unsupportedFeature, config: config, "\(label): fault.delay: only fixedDelay is supported; delay dropped"))
            }
        }
        if fault.hasAbort {
            let abort = fault.abort
            var faultAbort = Envoy_Extensions_Filters_Http_Fault_V3_FaultAbort()
            if abort.hasPercentage { faultAbort.percentage = Percentages.million(abort.percentage.value) }
            switch abort.errorType {
            case .httpStatus(let status)?:
                faultAbort.httpStatus = UInt32(max(status, 0))
                out.abort = faultAbort
            case .grpcStatus(let name)?:
                if let code = grpcStatusCode(name) {
                    faultAbort.grpcStatus = code
                    out.abort = faultAbort
                } else {
                    diagnostics.append(Diagnostic(.invalidValue, config: config, "\(label): fault.abort.grpcStatus \(name) is not a gRPC status; abort dropped"))
                }
            default:
                diagnostics.append(Diagnostic(.unsupportedFeature, config: config, "\(label): fault.abort: only httpStatus and grpcStatus are supported; abort dropped"))
            }
        }
        return out.hasDelay || out.hasAbort ? out : nil
    }

    /// The gRPC status codes by name (`UNAVAILABLE` → 14); a decimal number is taken as is.
    static func grpcStatusCode(_ name: String) -> UInt32? {
        if let number = UInt32(name), number <= 16 { return number }
        let names = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
                     "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]
        return names.firstIndex(of: name.uppercased()).map { UInt32($0) }
    }

    /// `cors` as a per-route `CorsPolicy`: origins as string matchers, lists comma-joined, `maxAge`
    /// in seconds, always enabled, preflights that match no origin forwarded unless
    /// `unmatchedPreflights: IGNORE`.
    static func cors(_ cors: Istio_Networking_V1alpha3_CorsPolicy) -> Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy {
        var out = Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy()
        out.allowOriginStringMatch = cors.allowOrigins.compactMap(MatchConversion.stringMatcher)
        out.allowMethods = cors.allowMethods.joined(separator: ",")
        out.allowHeaders = cors.allowHeaders.joined(separator: ",")
        out.exposeHeaders = cors.exposeHeaders.joined(separator: ",")
        if cors.hasMaxAge { out.maxAge = String(cors.maxAge.seconds) }
        if cors.hasAllowCredentials { out.allowCredentials = cors.allowCredentials }
        var enabled = Envoy_Config_Core_V3_RuntimeFractionalPercent()
        enabled.defaultValue = Percentages.hundred(100)
        out.filterEnabled = enabled
        out.forwardNotMatchingPreflights = Google_Protobuf_BoolValue(cors.unmatchedPreflights != .ignore)
        return out
    }
}

/// VirtualService header operations (istiod's `TranslateHeadersOperations`).
struct HTTPHeaderOperations {
    var requestToAdd: [Envoy_Config_Core_V3_HeaderValueOption] = []
    var requestToRemove: [String] = []
    var responseToAdd: [Envoy_Config_Core_V3_HeaderValueOption] = []
    var responseToRemove: [String] = []
    /// The `:authority` / `host` a request `set` (else `add`) asked for: a host rewrite.
    var authority: String?

    /// `headers` translated: `set` overwrites, `add` appends, each sorted by name; pseudo-headers and
    /// `host` are never header operations (an `:authority`/`host` value becomes ``authority``).
    init(_ headers: Istio_Networking_V1alpha3_Headers?) {
        guard let headers else { return }
        if headers.hasRequest {
            let request = headers.request
            requestToAdd = Self.options(request.set, action: .overwriteIfExistsOrAdd) + Self.options(request.add, action: .appendIfExistsOrAdd)
            requestToRemove = request.remove
            for source in [request.add, request.set] {
                for (name, value) in source where name.lowercased() == ":authority" || name.lowercased() == "host" { authority = value }
            }
        }
        if headers.hasResponse {
            responseToAdd = Self.options(headers.response.set, action: .overwriteIfExistsOrAdd)
                + Self.options(headers.response.add, action: .appendIfExistsOrAdd)
            responseToRemove = headers.response.remove
        }
    }

    private static func options(_ values: [String: String], action: Envoy_Config_Core_V3_HeaderValueOption.HeaderAppendAction)
        -> [Envoy_Config_Core_V3_HeaderValueOption]
    {
        values.keys.sorted().filter { !$0.hasPrefix(":") && $0.lowercased() != "host" }.map { name in
            var option = Envoy_Config_Core_V3_HeaderValueOption()
            option.header.key = name
            option.header.value = values[name]!
            option.appendAction = action
            return option
        }
    }

    /// Adds these operations to `route`'s header lists.
    func apply(to route: inout Envoy_Config_Route_V3_Route) {
        route.requestHeadersToAdd += requestToAdd
        route.requestHeadersToRemove += requestToRemove
        route.responseHeadersToAdd += responseToAdd
        route.responseHeadersToRemove += responseToRemove
    }
}

/// A DestinationRule's consistent hash as a route hash policy (istiod's `ConsistentHashToHashPolicy`).
enum HTTPHashPolicy {
    /// The hash policy of `policy`'s consistent hash; nil without one or for a key routes cannot hash.
    static func of(_ policy: Istio_Networking_V1alpha3_TrafficPolicy?) -> Envoy_Config_Route_V3_RouteAction.HashPolicy? {
        guard let policy, case .consistentHash(let hash)? = policy.loadBalancer.lbPolicy else { return nil }
        var out = Envoy_Config_Route_V3_RouteAction.HashPolicy()
        switch hash.hashKey {
        case .httpHeaderName(let name)?:
            var header = Envoy_Config_Route_V3_RouteAction.HashPolicy.Header()
            header.headerName = name
            out.header = header
        case .httpCookie(let cookie)?:
            var hashCookie = Envoy_Config_Route_V3_RouteAction.HashPolicy.Cookie()
            hashCookie.name = cookie.name
            hashCookie.path = cookie.path
            if cookie.hasTtl { hashCookie.ttl = cookie.ttl }
            out.cookie = hashCookie
        case .useSourceIp(true)?:
            var properties = Envoy_Config_Route_V3_RouteAction.HashPolicy.ConnectionProperties()
            properties.sourceIp = true
            out.connectionProperties = properties
        case .httpQueryParameterName(let name)?:
            var parameter = Envoy_Config_Route_V3_RouteAction.HashPolicy.QueryParameter()
            parameter.name = name
            out.queryParameter = parameter
        default:
            return nil
        }
        return out
    }
}
