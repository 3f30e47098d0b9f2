package import EnvoyAPI

/// What the hooks know about a stream.
package struct StreamInfo: Sendable {
    /// A process-unique stream id.
    package var id: UInt64
    /// The gRPC method path.
    package var method: String
    /// The peer address.
    package var peer: String
    /// Whether the stream is delta (incremental).
    package var isDelta: Bool
    /// The node id, once the first request has told it (empty before).
    package var nodeID: String
    /// The node the first request carried (nil before).
    package var node: Envoy_Config_Core_V3_Node?
    /// The identity the stream proved when it opened (nil on a listener that requires none).
    package var caller: CallerIdentity?
}

/// What the admission hook says about a node: whose config it is.
package struct AdmittedNode: Sendable, Hashable {
    /// The namespace the node's config belongs to.
    package var namespace: String
    /// The service account the node says it runs as, when it says one.
    package var serviceAccount: String?

    /// An admission from its parts.
    package init(namespace: String, serviceAccount: String? = nil) {
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }
}

/// One request, as the hooks see it.
package struct RequestEvent: Sendable {
    /// The request's type URL (or the per-type RPC's).
    package var typeURL: String
    /// The response nonce the request carries.
    package var responseNonce: String
    /// `initial`, `ack`, `nack`, `stale` or `subscription-change`.
    package var kind: String
}

/// One response, as the hooks see it.
package struct ResponseEvent: Sendable {
    /// The response's type URL.
    package var typeURL: String
    /// Its nonce.
    package var nonce: String
    /// Its `version_info` (`system_version_info` in delta).
    package var version: String
    /// The number of resources it carries.
    package var resourceCount: Int
    /// The number of names in `removed_resources` (delta).
    package var removedCount: Int
    /// The encoded size in bytes.
    package var byteCount: Int
}

/// One NACK, as the hooks see it.
package struct NackEvent: Sendable {
    /// The rejected type URL.
    package var typeURL: String
    /// The nonce of the rejected response.
    package var nonce: String
    /// The client's message.
    package var message: String
}

/// Hooks for metrics and logs. They run synchronously on the stream's tasks, outside any lock, so
/// they must be quick. An error thrown by `onStreamOpen` or `onRequest` ends the stream: an
/// `RPCError` with its own status, anything else with `UNKNOWN`.
package struct XDSHooks: Sendable {
    /// A stream opened (after authentication, before its first request).
    package var onStreamOpen: (@Sendable (StreamInfo) throws -> Void)?
    /// The first request named the stream's node (`nodeID` and `node` are set); runs before the
    /// stream watches the cache or sends anything. Throw to refuse the node; return whose config it
    /// is. On an authenticated stream the server then checks the caller's identity against that
    /// namespace and service account (`PERMISSION_DENIED` when they do not match), and CSDS shows the
    /// stream only to callers that may see that namespace.
    package var admitNode: (@Sendable (StreamInfo) throws -> AdmittedNode)?
    /// A stream closed.
    package var onStreamClosed: (@Sendable (StreamInfo) -> Void)?
    /// A request arrived.
    package var onRequest: (@Sendable (StreamInfo, RequestEvent) throws -> Void)?
    /// A response was sent.
    package var onResponse: (@Sendable (StreamInfo, ResponseEvent) -> Void)?
    /// A NACK arrived.
    package var onNack: (@Sendable (StreamInfo, NackEvent) -> Void)?

    /// Hooks that do nothing.
    package init() {}
}

extension RequestKind {
    var label: String {
        switch self {
        case .initial: "initial"
        case .ack: "ack"
        case .nack: "nack"
        case .stale: "stale"
        case .subscriptionChange: "subscription-change"
        }
    }
}
