internal import EnvoyAPI
internal import Mesh
internal import MeshAPI
internal import SwiftProtobuf

/// Route retry policies as istiod writes them (`route/retry/retry.go`, Istio 1.29).
enum HTTPRetryPolicy {
    /// Istio's default outbound `retry_on` (no 503 since 1.24).
    static let defaultRetryOn = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
    /// The retry host predicate that avoids the hosts already tried.
    static let previousHostsPredicate = "envoy.retry_host_predicates.previous_hosts"
    /// The retry priority that moves retries to other localities (`retryRemoteLocalities`).
    static let previousPrioritiesPriority = "envoy.retry_priorities.previous_priorities"

    /// The outbound policy of a route: the VirtualService's `retries`, else the mesh's
    /// `defaultHttpRetryPolicy` (converted the same way, as istiod's `route.go` does), else Istio's
    /// built-in default. Nil when the attempts are 0 or less (retries off). `consistentHash`: the
    /// single destination hashes, so the previous-hosts predicate (which would defeat stickiness) is
    /// left out. `retryRemoteLocalities` adds the previous-priorities retry priority (update frequency 2).
    static func outbound(
        _ retries: Istio_Networking_V1alpha3_HTTPRetry?, meshDefault: MeshConfig.RetryPolicy?, consistentHash: Bool
    ) -> Envoy_Config_Route_V3_RetryPolicy? {
        let retries = retries ?? meshDefault.map(istioRetry)
        var policy = Envoy_Config_Route_V3_RetryPolicy()
        policy.retryOn = defaultRetryOn
        policy.numRetries = Google_Protobuf_UInt32Value(2)
        if !consistentHash {
            var predicate = Envoy_Config_Route_V3_RetryPolicy.RetryHostPredicate()
            predicate.name = previousHostsPredicate
            predicate.typedConfig = (try? Google_Protobuf_Any(message: Envoy_Extensions_Retry_Host_PreviousHosts_V3_PreviousHostsPredicate())) ?? .init()
            policy.retryHostPredicate = [predicate]
        }
        policy.hostSelectionRetryMaxAttempts = 5
        guard let retries else { return policy }
        guard retries.attempts > 0 else { return nil }
        policy.numRetries = Google_Protobuf_UInt32Value(UInt32(retries.attempts))
        if !retries.retryOn.isEmpty {
            let (conditions, codes) = parseRetryOn(retries.retryOn)
            policy.retryOn = conditions
            policy.retriableStatusCodes = codes
            if !codes.isEmpty, !conditions.split(separator: ",").contains("retriable-status-codes") {
                policy.retryOn = conditions.isEmpty ? "retriable-status-codes" : conditions + ",retriable-status-codes"
            }
        }
        if retries.hasPerTryTimeout { policy.perTryTimeout = retries.perTryTimeout }
        if retries.hasRetryRemoteLocalities, retries.retryRemoteLocalities.value {
            var priorities = Envoy_Extensions_Retry_Priority_PreviousPriorities_V3_PreviousPrioritiesConfig()
            priorities.updateFrequency = 2
            policy.retryPriority.name = previousPrioritiesPriority
            policy.retryPriority.typedConfig = (try? Google_Protobuf_Any(message: priorities)) ?? .init()
        }
        return policy
    }

    /// The mesh default policy as the VirtualService `retries` it stands for.
    static func istioRetry(_ policy: MeshConfig.RetryPolicy) -> Istio_Networking_V1alpha3_HTTPRetry {
        var retry = Istio_Networking_V1alpha3_HTTPRetry()
        retry.attempts = Int32(clamping: policy.attempts)
        retry.retryOn = policy.retryOn
        if let timeout = policy.perTryTimeout {
            retry.perTryTimeout = Google_Protobuf_Duration(rounding: timeout, rule: .towardZero)
        }
        return retry
    }

    /// The inbound default route's policy: retry twice on a reset before the request reached the
    /// application (Istio ≥ 1.24, non-gRPC ports).
    static var inbound: Envoy_Config_Route_V3_RetryPolicy {
        var policy = Envoy_Config_Route_V3_RetryPolicy()
        policy.retryOn = "reset-before-request"
        policy.numRetries = Google_Protobuf_UInt32Value(2)
        return policy
    }

    /// `retryOn` split into Envoy conditions and HTTP status codes (integer tokens that are known
    /// HTTP statuses), as istiod's `parseRetryOn` does.
    static func parseRetryOn(_ retryOn: String) -> (conditions: String, codes: [UInt32]) {
        var conditions: [String] = []
        var codes: [UInt32] = []
        for part in retryOn.split(separator: ",") {
            let token = String(part.filter { !$0.isWhitespace })
            guard !token.isEmpty else { continue }
            if let code = UInt32(token), knownStatusCodes.contains(code) {
                codes.append(code)
            } else {
                conditions.append(token)
            }
        }
        return (conditions.joined(separator: ","), codes)
    }

    /// The status codes Go's `http.StatusText` knows.
    static let knownStatusCodes: Set<UInt32> = Set(
        [100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308]
            + Array(400...418) + [421, 422, 423, 424, 425, 426, 428, 429, 431, 451] + Array(500...508) + [510, 511]
    )
}
