/// A kind of mesh configuration resource Aeraki understands, identified as Kubernetes does by API
/// group and kind.
public struct ConfigKind: Sendable, Hashable, CustomStringConvertible {
    /// The API group (`networking.istio.io`).
    public let group: String
    /// The kind (`ServiceEntry`).
    public let kind: String

    /// A kind from its group and name.
    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    public var description: String { "\(group)/\(kind)" }

    public static let serviceEntry = ConfigKind(group: "networking.istio.io", kind: "ServiceEntry")
    public static let virtualService = ConfigKind(group: "networking.istio.io", kind: "VirtualService")
    public static let destinationRule = ConfigKind(group: "networking.istio.io", kind: "DestinationRule")
    public static let sidecar = ConfigKind(group: "networking.istio.io", kind: "Sidecar")
    public static let gateway = ConfigKind(group: "networking.istio.io", kind: "Gateway")
    public static let workloadEntry = ConfigKind(group: "networking.istio.io", kind: "WorkloadEntry")
    public static let metaRouter = ConfigKind(group: "metaprotocol.aeraki.io", kind: "MetaRouter")
    public static let applicationProtocol = ConfigKind(group: "metaprotocol.aeraki.io", kind: "ApplicationProtocol")
    public static let redisService = ConfigKind(group: "redis.aeraki.io", kind: "RedisService")
    public static let redisDestination = ConfigKind(group: "redis.aeraki.io", kind: "RedisDestination")
    public static let dubboAuthorizationPolicy = ConfigKind(group: "dubbo.aeraki.io", kind: "DubboAuthorizationPolicy")
    public static let peerAuthentication = ConfigKind(group: "security.istio.io", kind: "PeerAuthentication")
    public static let authorizationPolicy = ConfigKind(group: "security.istio.io", kind: "AuthorizationPolicy")
    public static let requestAuthentication = ConfigKind(group: "security.istio.io", kind: "RequestAuthentication")

    /// Every kind, in a stable order.
    public static let all: [ConfigKind] = [
        serviceEntry, virtualService, destinationRule, sidecar, gateway, workloadEntry,
        metaRouter, applicationProtocol, redisService, redisDestination, dubboAuthorizationPolicy,
        peerAuthentication, authorizationPolicy, requestAuthentication,
    ]
}
