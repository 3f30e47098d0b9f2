/// What was sent of one resource on a stream, for ACK tracking and CSDS.
struct SentEntry: Sendable, Equatable {
    /// The resource's content version.
    var version: String
    /// The `version_info` (or `system_version_info`) of the response that carried it.
    var responseVersion: String
    /// The nonce of that response.
    var nonce: UInt64
    /// When that response was built (seconds since 1970).
    var time: Double
}

/// A NACK received for one type on a stream.
struct NackRecord: Sendable, Equatable {
    /// The nonce of the rejected response.
    var nonce: UInt64
    /// The client's error message (`error_detail.message`).
    var message: String
    /// The version the client still holds (`version_info` of the NACK).
    var versionInfo: String
    /// When the NACK arrived (seconds since 1970).
    var time: Double
}

/// How a request relates to what the stream sent before.
package enum RequestKind: Sendable, Equatable {
    /// The first request of the type on this stream (any nonce accepted).
    case initial
    /// Accepts the latest response of the type.
    case ack
    /// Rejects the latest response of the type.
    case nack(message: String)
    /// Carries a nonce that is not the latest for the type: never an ACK or NACK.
    case stale
    /// A delta request that only changes the subscription (no nonce).
    case subscriptionChange
}

/// The server's view of one resource on a stream, as CSDS reports it.
package enum ResourceSyncStatus: Sendable, Equatable {
    /// Sent and ACKed.
    case synced
    /// Sent, no ACK or NACK yet.
    case stale
    /// Sent and NACKed.
    case error(message: String, time: Double)
    /// Subscribed, never sent (for example it does not exist).
    case notSent
}

extension SentEntry {
    /// The CSDS status of this entry, given the type's ACK and NACK state.
    func status(ackedNonce: UInt64?, lastNack: NackRecord?) -> ResourceSyncStatus {
        if let lastNack, lastNack.nonce == nonce {
            return .error(message: lastNack.message, time: lastNack.time)
        }
        if let ackedNonce, ackedNonce >= nonce { return .synced }
        return .stale
    }
}
