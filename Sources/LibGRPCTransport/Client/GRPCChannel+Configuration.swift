extension GRPCChannel {
    /// How a channel connects.
    public struct Configuration: Sendable {
        /// TLS settings; nil for plaintext.
        public var tls: ClientTLSConfiguration?
        /// The `:authority` to send instead of the target.
        public var authority: String?
        /// The largest response message accepted, in bytes.
        public var maxReceiveMessageBytes: Int
        /// The largest request message sent, in bytes.
        public var maxSendMessageBytes: Int
        /// Keepalive pings.
        public var keepalive: Keepalive
        /// The first and the longest wait between reconnection attempts (core adds jitter).
        public var reconnectBackoff: (initial: Duration, maximum: Duration)

        /// Plaintext with default limits.
        public init(tls: ClientTLSConfiguration? = nil, authority: String? = nil) {
            self.tls = tls
            self.authority = authority
            self.maxReceiveMessageBytes = 64 << 20
            self.maxSendMessageBytes = 64 << 20
            self.keepalive = .defaults
            self.reconnectBackoff = (.seconds(1), .seconds(30))
        }

        /// Plaintext with default limits.
        public static var defaults: Configuration { Configuration() }
    }
}
