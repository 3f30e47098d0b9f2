package import EnvoyAPI
internal import SwiftProtobuf

/// The client side of one MCP type URL: what istiod last sent, deduplicated by
/// `metadata.version`, and the ACK or NACK to send back. Pure; no I/O.
///
/// - SotW: every response is the full list; items missing from it are deleted.
/// - Delta: items are upserted, `removed_resources` deleted; the first response after (re)connecting
///   is a full list too (istiod's api generator always sends everything), so it also deletes what it
///   does not mention.
package struct MCPTypeState: Sendable {
    /// The type URL (`networking.istio.io/v1/ServiceEntry`).
    package let typeURL: String
    /// The kind it carries.
    package let kind: ConfigKind
    /// The resources held, by key.
    package private(set) var resources: [ConfigKey: MeshResource] = [:]
    /// The version of the last accepted (ACKed) SotW response.
    package private(set) var acceptedVersion = ""
    /// Whether a response was received on the current stream.
    package private(set) var synced = false

    /// What handling a response produced.
    package struct Outcome: Sendable {
        /// Whether the set of resources (or any resource's content) changed.
        package var changed: Bool
        /// Problems with items that could not be decoded (those items keep their previous version).
        package var errors: [String]
    }

    /// State for `typeURL`; nil when no kind uses that type URL.
    package init?(typeURL: String) {
        guard let kind = ConfigKind(mcpTypeURL: typeURL) else { return nil }
        self.typeURL = typeURL
        self.kind = kind
    }

    /// Marks a new stream: its first response is a full state of the world.
    package mutating func streamRestarted() { synced = false }

    /// The first request for this type on a stream.
    package func subscribeRequest(node: Envoy_Config_Core_V3_Node?) -> Envoy_Service_Discovery_V3_DiscoveryRequest {
        var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
        request.typeURL = typeURL
        request.versionInfo = acceptedVersion
        if let node { request.node = node }
        return request
    }

    /// The first delta request for this type on a stream.
    package func deltaSubscribeRequest(node: Envoy_Config_Core_V3_Node?) -> Envoy_Service_Discovery_V3_DeltaDiscoveryRequest {
        var request = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
        request.typeURL = typeURL
        if let node { request.node = node }
        return request
    }

    /// Handles a SotW response; returns the outcome and the ACK (or NACK naming every undecodable item).
    package mutating func handle(_ response: Envoy_Service_Discovery_V3_DiscoveryResponse)
        -> (outcome: Outcome, reply: Envoy_Service_Discovery_V3_DiscoveryRequest)
    {
        let (outcome, present) = upsert(response.resources.map { ($0, nil) })
        var changed = outcome.changed
        for key in resources.keys where !present.contains(key) {
            resources[key] = nil
            changed = true
        }
        synced = true
        var reply = Envoy_Service_Discovery_V3_DiscoveryRequest()
        reply.typeURL = typeURL
        reply.responseNonce = response.nonce
        if outcome.errors.isEmpty {
            acceptedVersion = response.versionInfo
            reply.versionInfo = response.versionInfo
        } else {
            reply.versionInfo = acceptedVersion
            reply.errorDetail = Self.status(outcome.errors)
        }
        return (Outcome(changed: changed, errors: outcome.errors), reply)
    }

    /// Handles a delta response; returns the outcome and the ACK or NACK.
    package mutating func handle(_ response: Envoy_Service_Discovery_V3_DeltaDiscoveryResponse)
        -> (outcome: Outcome, reply: Envoy_Service_Discovery_V3_DeltaDiscoveryRequest)
    {
        let (outcome, present) = upsert(response.resources.map { ($0.resource, $0.name) })
        var changed = outcome.changed
        var removed = Set(response.removedResources.compactMap { MCPResourceDecoder.key(name: $0, kind: kind) })
        if !synced { removed.formUnion(resources.keys.filter { !present.contains($0) }) }
        for key in removed where resources.removeValue(forKey: key) != nil { changed = true }
        synced = true
        var reply = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
        reply.typeURL = typeURL
        reply.responseNonce = response.nonce
        if !outcome.errors.isEmpty { reply.errorDetail = Self.status(outcome.errors) }
        return (Outcome(changed: changed, errors: outcome.errors), reply)
    }

    /// Upserts items (each an Any and, for delta, its name); returns the keys mentioned.
    private mutating func upsert(_ items: [(Google_Protobuf_Any, String?)]) -> (Outcome, Set<ConfigKey>) {
        var changed = false
        var errors: [String] = []
        var present = Set<ConfigKey>()
        for (any, name) in items {
            switch MCPResourceDecoder.decode(any, kind: kind, typeURL: typeURL) {
            case .resource(let resource):
                present.insert(resource.key)
                if let held = resources[resource.key], !resource.version.isEmpty, held.version == resource.version { continue }
                if let held = resources[resource.key], held.hasSameContent(as: resource) {
                    resources[resource.key] = resource
                    continue
                }
                resources[resource.key] = resource
                changed = true
            case .undecodable(let key, _, let reason):
                present.insert(key)
                errors.append("\(key.namespace)/\(key.name): \(reason)")
            case .invalid(let reason):
                if let name, let key = MCPResourceDecoder.key(name: name, kind: kind) { present.insert(key) }
                errors.append(reason)
            }
        }
        return (Outcome(changed: changed, errors: errors), present)
    }

    private static func status(_ errors: [String]) -> Google_Rpc_Status {
        var status = Google_Rpc_Status()
        status.code = 3  // INVALID_ARGUMENT
        status.message = errors.joined(separator: "; ")
        return status
    }
}
