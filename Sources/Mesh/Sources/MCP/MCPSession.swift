package import EnvoyAPI

/// Every MCP subscription of one client: a ``MCPTypeState`` per type URL (both `v1alpha3` and `v1`
/// for Istio kinds), merged per kind. Pure; the client feeds it responses and sends its replies.
package struct MCPSession: Sendable {
    /// The kinds subscribed to.
    package let kinds: [ConfigKind]
    /// Every type URL subscribed to, in request order.
    package let typeURLs: [String]
    private var states: [String: MCPTypeState]
    /// The type URLs istiod has answered at least once (over any stream).
    private var answered: Set<String> = []

    /// A session subscribing to every type URL of `kinds`.
    package init(kinds: [ConfigKind] = ConfigKind.all) {
        self.kinds = kinds
        self.typeURLs = kinds.flatMap(\.mcpTypeURLs)
        self.states = Dictionary(uniqueKeysWithValues: typeURLs.compactMap { url in MCPTypeState(typeURL: url).map { (url, $0) } })
    }

    /// The subscribed type URLs istiod has not answered yet, in request order; empty once the
    /// initial sync is complete (every subscription has had its first response).
    package var unansweredTypeURLs: [String] { typeURLs.filter { !answered.contains($0) } }

    /// The state of one type URL.
    package func state(_ typeURL: String) -> MCPTypeState? { states[typeURL] }

    /// Call when a new stream starts: the next response of each type is a full list.
    package mutating func streamRestarted() {
        for url in typeURLs { states[url]?.streamRestarted() }
    }

    /// The resources of `kind`, merged across its type URLs (a key present under several takes the
    /// newest API version's copy).
    package func merged(_ kind: ConfigKind) -> [MeshResource] {
        var result: [ConfigKey: MeshResource] = [:]
        for url in kind.mcpTypeURLs {
            for (key, resource) in states[url]?.resources ?? [:] { result[key] = resource }
        }
        return result.values.sorted { $0.key < $1.key }
    }

    /// The subscription requests to send when a stream opens; the first carries the node.
    package func subscribeRequests(node: Envoy_Config_Core_V3_Node) -> [Envoy_Service_Discovery_V3_DiscoveryRequest] {
        typeURLs.enumerated().compactMap { index, url in states[url]?.subscribeRequest(node: index == 0 ? node : nil) }
    }

    /// The delta subscription requests to send when a stream opens.
    package func deltaSubscribeRequests(node: Envoy_Config_Core_V3_Node) -> [Envoy_Service_Discovery_V3_DeltaDiscoveryRequest] {
        typeURLs.enumerated().compactMap { index, url in states[url]?.deltaSubscribeRequest(node: index == 0 ? node : nil) }
    }

    /// Handles a SotW response: the kind whose merged set changed (nil if none), decode problems, and the reply.
    package mutating func handle(_ response: Envoy_Service_Discovery_V3_DiscoveryResponse)
        -> (changedKind: ConfigKind?, errors: [String], reply: Envoy_Service_Discovery_V3_DiscoveryRequest)
    {
        guard var state = states[response.typeURL] else {
            var reply = Envoy_Service_Discovery_V3_DiscoveryRequest()
            reply.typeURL = response.typeURL
            reply.responseNonce = response.nonce
            return (nil, [], reply)
        }
        let (outcome, reply) = state.handle(response)
        states[response.typeURL] = state
        answered.insert(response.typeURL)
        return (outcome.changed ? state.kind : nil, outcome.errors, reply)
    }

    /// Handles a delta response.
    package mutating func handle(_ response: Envoy_Service_Discovery_V3_DeltaDiscoveryResponse)
        -> (changedKind: ConfigKind?, errors: [String], reply: Envoy_Service_Discovery_V3_DeltaDiscoveryRequest)
    {
        guard var state = states[response.typeURL] else {
            var reply = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
            reply.typeURL = response.typeURL
            reply.responseNonce = response.nonce
            return (nil, [], reply)
        }
        let (outcome, reply) = state.handle(response)
        states[response.typeURL] = state
        answered.insert(response.typeURL)
        return (outcome.changed ? state.kind : nil, outcome.errors, reply)
    }
}
