package import EnvoyAPI
import Foundation
import LibGRPCTransport
import SwiftProtobuf
import XDSCache

extension XDSServer {
    /// Answers a `ClientStatusRequest`: one `ClientConfig` per connected node that matches, each with
    /// one `GenericXdsConfig` per sent or subscribed resource and its SYNCED/STALE/ERROR/NOT_SENT
    /// status. Reads copies of stream state; never blocks the push path.
    ///
    /// An authenticated `caller` sees only the nodes it may see
    /// (``XDSAuthentication/may(_:see:)``): every node for an identity of a privileged namespace,
    /// else only nodes admitted to the caller's own namespaces. Nil (an unauthenticated listener,
    /// or the admin endpoint) sees every node.
    package func clientStatus(
        _ request: Envoy_Service_Status_V3_ClientStatusRequest, visibleTo caller: CallerIdentity? = nil
    ) -> Envoy_Service_Status_V3_ClientStatusResponse {
        var byNode: [String: [StreamStatus]] = [:]
        for status in streamStatuses() where configuration.authentication.may(caller, see: status.namespace) {
            byNode[status.nodeID, default: []].append(status)
        }
        var response = Envoy_Service_Status_V3_ClientStatusResponse()
        for nodeID in byNode.keys.sorted() {
            let streams = byNode[nodeID]!
            guard request.nodeMatchers.isEmpty || request.nodeMatchers.contains(where: { NodeMatching.matches($0, nodeID: nodeID) }) else {
                continue
            }
            var config = Envoy_Service_Status_V3_ClientConfig()
            config.node = streams.last!.node
            var seen: [String: Envoy_Service_Status_V3_ClientConfig.GenericXdsConfig] = [:]
            for stream in streams {
                for resource in stream.resources {
                    seen[resource.typeURL + "\u{0}" + resource.name] = genericConfig(
                        resource, includeContents: !request.excludeResourceContents
                    )
                }
            }
            config.genericXdsConfigs = seen.keys.sorted().map { seen[$0]! }
            response.config.append(config)
        }
        return response
    }

    private func genericConfig(
        _ resource: StreamStatus.Resource,
        includeContents: Bool
    ) -> Envoy_Service_Status_V3_ClientConfig.GenericXdsConfig {
        var config = Envoy_Service_Status_V3_ClientConfig.GenericXdsConfig()
        config.typeURL = resource.typeURL
        config.name = resource.name
        config.versionInfo = resource.responseVersion
        if resource.time > 0 {
            config.lastUpdated = Google_Protobuf_Timestamp(roundingTimeIntervalSince1970: resource.time, rule: .toNearestOrAwayFromZero)
        }
        if includeContents, let prepared = resource.sentResource {
            var any = Google_Protobuf_Any()
            any.typeURL = prepared.typeURL
            any.value = Data(prepared.bytes)
            config.xdsConfig = any
        }
        switch resource.status {
        case .synced:
            config.configStatus = .synced
        case .stale:
            config.configStatus = .stale
        case .notSent:
            config.configStatus = .notSent
        case .error(let message, let time):
            config.configStatus = .error
            var failure = Envoy_Admin_V3_UpdateFailureState()
            failure.details = message
            failure.versionInfo = resource.responseVersion
            failure.lastUpdateAttempt = Google_Protobuf_Timestamp(roundingTimeIntervalSince1970: time, rule: .toNearestOrAwayFromZero)
            if let prepared = resource.sentResource {
                var any = Google_Protobuf_Any()
                any.typeURL = prepared.typeURL
                any.value = Data(prepared.bytes)
                failure.failedConfiguration = any
            }
            config.errorState = failure
        }
        return config
    }

    func fetchClientStatus(_ bytes: [UInt8], caller: CallerIdentity?) throws -> [UInt8] {
        let request: Envoy_Service_Status_V3_ClientStatusRequest
        do {
            request = try Envoy_Service_Status_V3_ClientStatusRequest(serializedBytes: bytes)
        } catch {
            throw RPCError(code: .invalidArgument, message: "malformed ClientStatusRequest: \(error)")
        }
        return try clientStatus(request, visibleTo: caller).serializedBytes()
    }

    func runClientStatusStream(_ stream: ServerStream) async throws -> Metadata {
        let caller = try await authenticate(stream.context, streamID: makeStreamID())
        for try await bytes in stream.requests {
            try await stream.send(try fetchClientStatus(bytes, caller: caller))
        }
        return [:]
    }
}

/// Matching a node id against CSDS `NodeMatcher`s (the node_id string matcher; metadata matchers
/// are not supported and never match).
enum NodeMatching {
    static func matches(_ matcher: Envoy_Type_Matcher_V3_NodeMatcher, nodeID: String) -> Bool {
        guard matcher.nodeMetadatas.isEmpty else { return false }
        guard matcher.hasNodeID else { return true }
        return matches(matcher.nodeID, nodeID)
    }

    static func matches(_ matcher: Envoy_Type_Matcher_V3_StringMatcher, _ value: String) -> Bool {
        let value = matcher.ignoreCase ? value.lowercased() : value
        func fold(_ s: String) -> String { matcher.ignoreCase ? s.lowercased() : s }
        switch matcher.matchPattern {
        case .exact(let s): return value == fold(s)
        case .prefix(let s): return value.hasPrefix(fold(s))
        case .suffix(let s): return value.hasSuffix(fold(s))
        case .contains(let s): return value.contains(fold(s))
        case .safeRegex(let r):
            guard let regex = try? Regex(r.regex) else { return false }
            return (try? regex.wholeMatch(in: value)) != nil
        case .custom, .none: return false
        }
    }
}
