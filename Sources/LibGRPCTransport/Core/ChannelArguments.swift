internal import CLibGRPC

/// Channel arguments (`grpc_channel_args`) for a server or channel; lends the C form for the
/// duration of a call, since core copies what it keeps.
struct ChannelArguments {
    private var integers: [(String, Int)] = []
    private var strings: [(String, String)] = []

    mutating func set(_ key: String, _ value: Int) {
        integers.append((key, Swift.min(value, Int(Int32.max))))
    }

    mutating func set(_ key: String, _ value: String) {
        strings.append((key, value))
    }

    func withCArguments<Result>(_ body: (UnsafePointer<grpc_channel_args>) -> Result) -> Result {
        let arguments = CLibGRPC_args_create(integers.count + strings.count)!
        defer { CLibGRPC_args_destroy(arguments) }
        for (key, value) in integers { CLibGRPC_args_add_integer(arguments, key, Int32(value)) }
        for (key, value) in strings { CLibGRPC_args_add_string(arguments, key, value) }
        return body(arguments)
    }
}

/// HTTP/2 keepalive settings, shared by servers and channels.
public struct Keepalive: Sendable, Hashable {
    /// How long a connection may be idle before a ping is sent.
    public var time: Duration
    /// How long to wait for the ping's acknowledgement before closing the connection.
    public var timeout: Duration
    /// Whether to ping while no call is open.
    public var permitWithoutCalls: Bool
    /// The shortest interval between pings the peer may send before it is penalised (servers).
    public var minimumReceivedPingInterval: Duration

    /// Keepalive settings.
    public init(time: Duration, timeout: Duration, permitWithoutCalls: Bool, minimumReceivedPingInterval: Duration) {
        self.time = time
        self.timeout = timeout
        self.permitWithoutCalls = permitWithoutCalls
        self.minimumReceivedPingInterval = minimumReceivedPingInterval
    }

    /// Pings every 30 s of idleness, waits 10 s for the answer, pings without calls, and accepts
    /// pings from peers every 10 s — enough to keep idle ADS streams alive through middleboxes
    /// without tripping the peer's ping-strike limit.
    public static var defaults: Keepalive {
        Keepalive(time: .seconds(30), timeout: .seconds(10), permitWithoutCalls: true,
                  minimumReceivedPingInterval: .seconds(10))
    }

    func apply(to arguments: inout ChannelArguments) {
        arguments.set(GRPC_ARG_KEEPALIVE_TIME_MS, time.milliseconds)
        arguments.set(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, timeout.milliseconds)
        arguments.set(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, permitWithoutCalls ? 1 : 0)
        arguments.set(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, minimumReceivedPingInterval.milliseconds)
        arguments.set(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0)
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
