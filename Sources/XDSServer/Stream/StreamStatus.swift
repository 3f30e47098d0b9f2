public import EnvoyAPI
public import XDSCache

/// A read-only copy of one stream's per-type state, for CSDS and the admin endpoint.
public struct StreamStatus: Sendable {
    /// One resource as the stream tracks it.
    public struct Resource: Sendable {
        /// The type URL.
        public var typeURL: String
        /// The resource name.
        public var name: String
        /// The server's view of it.
        public var status: ResourceSyncStatus
        /// The `version_info` of the response that last carried it ("" if never sent).
        public var responseVersion: String
        /// When that response was built (seconds since 1970; 0 if never sent).
        public var time: Double
        /// The resource as currently in the snapshot, if it is there at the version sent.
        public var sentResource: PreparedResource?
    }

    /// The ACK state of one type on the stream.
    public struct TypeState: Sendable {
        /// The type URL.
        public var typeURL: String
        /// The nonce and version of the last response sent (nil: none yet).
        public var lastSentNonce: String?
        public var lastSentVersion: String
        /// The nonce and version the client last ACKed (nil: none yet).
        public var ackedNonce: String?
        public var ackedVersion: String
        /// The nonce, message and time of the last NACK (nil: none).
        public var nackedNonce: String?
        public var nackMessage: String?
        public var nackTime: Double?
        /// How many requests of this type arrived.
        public var requestCount: Int
    }

    /// The stream id.
    public var streamID: UInt64
    /// The node id.
    public var nodeID: String
    /// The node the stream's first request carried.
    public var node: Envoy_Config_Core_V3_Node
    /// The namespace the node was admitted to (nil before, or when no admission hook names one).
    public var namespace: String? = nil
    /// Whether the stream is delta.
    public var isDelta: Bool
    /// When the last request arrived (seconds since 1970).
    public var lastRequestTime: Double
    /// Every sent or subscribed resource.
    public var resources: [Resource]
    /// The ACK state of every type the stream has asked for.
    public var types: [TypeState]
}

/// A stream that can describe its state.
public protocol StreamStatusProviding: Sendable {
    /// A copy of the stream's state.
    func status() -> StreamStatus
}
