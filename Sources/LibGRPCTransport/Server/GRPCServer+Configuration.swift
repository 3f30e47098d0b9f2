extension GRPCServer {
    /// How a server listens and what it accepts.
    public struct Configuration: Sendable {
        /// The addresses to listen on.
        public var listeners: [Listener]
        /// The largest request message accepted, in bytes.
        public var maxReceiveMessageBytes: Int
        /// The largest response message sent, in bytes.
        public var maxSendMessageBytes: Int
        /// The most concurrent streams per HTTP/2 connection.
        public var maxConcurrentStreamsPerConnection: Int
        /// Keepalive pings.
        public var keepalive: Keepalive
        /// How long open calls may run after a graceful shutdown begins before they are cancelled.
        public var shutdownGracePeriod: Duration
        /// How many completion queues (each with a poller thread) serve calls.
        public var completionQueueCount: Int
        /// How many `grpc_server_request_call` tokens each queue keeps outstanding.
        public var acceptTokensPerQueue: Int
        /// The most one read of a connection's socket allocates, in bytes (core's
        /// `grpc.experimental.tcp_max_read_chunk_size`): it bounds the read buffer an idle
        /// connection keeps (see `GRPCLibrary`). A larger message takes several reads.
        public var maxReadChunkBytes: Int

        /// A configuration with the given listeners and default limits.
        public init(listeners: [Listener]) {
            self.listeners = listeners
            self.maxReceiveMessageBytes = 64 << 20
            self.maxSendMessageBytes = 64 << 20
            self.maxConcurrentStreamsPerConnection = 1 << 20
            self.keepalive = .defaults
            self.shutdownGracePeriod = .seconds(5)
            self.completionQueueCount = 2
            self.acceptTokensPerQueue = 8
            self.maxReadChunkBytes = 16 << 10  // one HTTP/2 frame at the default SETTINGS_MAX_FRAME_SIZE
        }

        /// One plaintext listener on `127.0.0.1`, ephemeral port.
        public static var defaults: Configuration {
            Configuration(listeners: [Listener(host: "127.0.0.1", port: 0)])
        }
    }

    /// An address to listen on.
    public struct Listener: Sendable {
        /// The host or address (`0.0.0.0`, `[::]`, `127.0.0.1`).
        public var host: String
        /// The port; 0 picks a free one (see `GRPCServer.listeningPorts()`).
        public var port: Int
        /// TLS for this listener; nil for plaintext.
        public var tls: ServerTLSConfiguration?

        /// A listener on `host:port`, with TLS when `tls` is given.
        public init(host: String, port: Int, tls: ServerTLSConfiguration? = nil) {
            self.host = host
            self.port = port
            self.tls = tls
        }

        var address: String { "\(host):\(port)" }
    }
}
