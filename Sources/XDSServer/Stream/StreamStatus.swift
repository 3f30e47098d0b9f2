package import EnvoyAPI
package import XDSCache

/// A read-only copy of one stream's per-type state, for CSDS and the admin endpoint.
package struct StreamStatus: Sendable {
    /// One resource as the stream tracks it.
    package struct Resource: Sendable {
        /// The type URL.
        package var typeURL: String
        /// The resource name.
        package var name: String
        /// The server's view of it.
        package var status: ResourceSyncStatus
        /// The `version_info` of the response that last carried it ("" if never sent).
        package var responseVersion: String
        /// When that response was built (seconds since 1970; 0 if never sent).
        package var time: Double
        /// The resource as currently in the snapshot, if it is there at the version sent.
        package var sentResource: PreparedResource?
    }

    /// The ACK state of one type on the stream.
    package struct TypeState: Sendable {
        /// The type URL.
        package var typeURL: String
        /// The nonce and version of the last response sent (nil: none yet).
        package var lastSentNonce: String?
        package var lastSentVersion: String
        /// The nonce and version the client last ACKed (nil: none yet).
        package var ackedNonce: String?
        package var ackedVersion: String
        /// The nonce, message and time of the last NACK (nil: none).
        package var nackedNonce: String?
        package var nackMessage: String?
        package var nackTime: Double?
        /// How many requests of this type arrived.
        package var requestCount: Int
    }

    /// The stream id.
    package var streamID: UInt64
    /// The node id.
    package var nodeID: String
    /// The node the stream's first request carried.
    package var node: Envoy_Config_Core_V3_Node
    /// The namespace the node was admitted to (nil before, or when no admission hook names one).
    package var namespace: String? = nil
    /// Whether the stream is delta.
    package var isDelta: Bool
    /// When the last request arrived (seconds since 1970).
    package var lastRequestTime: Double
    /// Every sent or subscribed resource.
    package var resources: [Resource]
    /// The ACK state of every type the stream has asked for.
    package var types: [TypeState]
}

/// A stream that can describe its state.
package protocol StreamStatusProviding: Sendable {
    /// A copy of the stream's state.
    func status() -> StreamStatus
}
