/// One connected proxy stream as `/debug/syncz` shows it: the same ACK/NACK state CSDS reports.
public struct ProxySyncStatus: Sendable, Equatable {
    /// The ACK state of one type on the stream.
    public struct TypeStatus: Sendable, Equatable {
        /// The type URL.
        public var typeURL: String
        /// The `version_info` of the last response sent ("" if none).
        public var sentVersion: String
        /// The nonce of the last response sent (nil: none yet).
        public var sentNonce: String?
        /// The version the proxy last ACKed ("" if none).
        public var ackedVersion: String
        /// The nonce the proxy last ACKed (nil: none yet).
        public var ackedNonce: String?
        /// The message of the last NACK (nil: none).
        public var nackMessage: String?
        /// The nonce of the last NACK (nil: none).
        public var nackNonce: String?

        /// A type status from its parts.
        public init(
            typeURL: String, sentVersion: String, sentNonce: String?, ackedVersion: String, ackedNonce: String?,
            nackMessage: String? = nil, nackNonce: String? = nil
        ) {
            self.typeURL = typeURL
            self.sentVersion = sentVersion
            self.sentNonce = sentNonce
            self.ackedVersion = ackedVersion
            self.ackedNonce = ackedNonce
            self.nackMessage = nackMessage
            self.nackNonce = nackNonce
        }

        /// `SYNCED`, `STALE`, `NACKED` or `NOT SENT`, as `istioctl proxy-status` words it: the
        /// latest response is NACKED when the last NACK names its nonce.
        public var state: String {
            guard let sentNonce else { return "NOT SENT" }
            if let nackNonce, nackNonce == sentNonce { return "NACKED" }
            if let ackedNonce, ackedNonce == sentNonce { return "SYNCED" }
            return "STALE"
        }
    }

    /// The stream kind.
    public enum StreamKind: String, Sendable, Equatable {
        /// State-of-the-world ADS.
        case sotw = "SotW"
        /// Incremental (delta) ADS.
        case delta = "Delta"
    }

    /// The proxy's node id.
    public var nodeID: String
    /// A process-unique stream id.
    public var streamID: UInt64
    /// SotW or delta.
    public var kind: StreamKind
    /// The Istio version the proxy reported (metadata `ISTIO_VERSION`), if any.
    public var proxyVersion: String
    /// Every type the stream asked for.
    public var types: [TypeStatus]

    /// A row from its parts.
    public init(nodeID: String, streamID: UInt64, kind: StreamKind, proxyVersion: String = "", types: [TypeStatus]) {
        self.nodeID = nodeID
        self.streamID = streamID
        self.kind = kind
        self.proxyVersion = proxyVersion
        self.types = types
    }
}

/// Where `/debug/syncz` reads the connected proxies from (the xDS server's stream statuses).
public protocol SyncStatusProvider: Sendable {
    /// One row per open stream.
    func syncStatuses() -> [ProxySyncStatus]
}
