/// One connected proxy stream as `/debug/syncz` shows it: the same ACK/NACK state CSDS reports.
package struct ProxySyncStatus: Sendable, Equatable {
    /// The ACK state of one type on the stream.
    package struct TypeStatus: Sendable, Equatable {
        /// The type URL.
        package var typeURL: String
        /// The `version_info` of the last response sent ("" if none).
        package var sentVersion: String
        /// The nonce of the last response sent (nil: none yet).
        package var sentNonce: String?
        /// The version the proxy last ACKed ("" if none).
        package var ackedVersion: String
        /// The nonce the proxy last ACKed (nil: none yet).
        package var ackedNonce: String?
        /// The message of the last NACK (nil: none).
        package var nackMessage: String?
        /// The nonce of the last NACK (nil: none).
        package var nackNonce: String?

        /// A type status from its parts.
        package init(
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
        package var state: String {
            guard let sentNonce else { return "NOT SENT" }
            if let nackNonce, nackNonce == sentNonce { return "NACKED" }
            if let ackedNonce, ackedNonce == sentNonce { return "SYNCED" }
            return "STALE"
        }
    }

    /// The stream kind.
    package enum StreamKind: String, Sendable, Equatable {
        /// State-of-the-world ADS.
        case sotw = "SotW"
        /// Incremental (delta) ADS.
        case delta = "Delta"
    }

    /// The proxy's node id.
    package var nodeID: String
    /// A process-unique stream id.
    package var streamID: UInt64
    /// SotW or delta.
    package var kind: StreamKind
    /// The Istio version the proxy reported (metadata `ISTIO_VERSION`), if any.
    package var proxyVersion: String
    /// Every type the stream asked for.
    package var types: [TypeStatus]

    /// A row from its parts.
    package init(nodeID: String, streamID: UInt64, kind: StreamKind, proxyVersion: String = "", types: [TypeStatus]) {
        self.nodeID = nodeID
        self.streamID = streamID
        self.kind = kind
        self.proxyVersion = proxyVersion
        self.types = types
    }
}

/// Where `/debug/syncz` reads the connected proxies from (the xDS server's stream statuses).
package protocol SyncStatusProvider: Sendable {
    /// One row per open stream.
    func syncStatuses() -> [ProxySyncStatus]
}
