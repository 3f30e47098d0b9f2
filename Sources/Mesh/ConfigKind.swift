/// A kind of mesh configuration resource Aeraki understands, identified as Kubernetes does by API
/// group and kind.
package struct ConfigKind: Sendable, Hashable, CustomStringConvertible {
    /// The API group (`networking.istio.io`).
    package let group: String
    /// The kind (`ServiceEntry`).
    package let kind: String

    /// A kind from its group and name.
    package init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    package var description: String { "\(group)/\(kind)" }

    package static let serviceEntry = ConfigKind(group: "networking.istio.io", kind: "ServiceEntry")
    package static let virtualService = ConfigKind(group: "networking.istio.io", kind: "VirtualService")
    package static let destinationRule = ConfigKind(group: "networking.istio.io", kind: "DestinationRule")
    package static let sidecar = ConfigKind(group: "networking.istio.io", kind: "Sidecar")
    package static let gateway = ConfigKind(group: "networking.istio.io", kind: "Gateway")
    package static let workloadEntry = ConfigKind(group: "networking.istio.io", kind: "WorkloadEntry")
    package static let metaRouter = ConfigKind(group: "metaprotocol.aeraki.io", kind: "MetaRouter")
    package static let applicationProtocol = ConfigKind(group: "metaprotocol.aeraki.io", kind: "ApplicationProtocol")
    package static let redisService = ConfigKind(group: "redis.aeraki.io", kind: "RedisService")
    package static let redisDestination = ConfigKind(group: "redis.aeraki.io", kind: "RedisDestination")
    package static let dubboAuthorizationPolicy = ConfigKind(group: "dubbo.aeraki.io", kind: "DubboAuthorizationPolicy")
    package static let peerAuthentication = ConfigKind(group: "security.istio.io", kind: "PeerAuthentication")
    package static let authorizationPolicy = ConfigKind(group: "security.istio.io", kind: "AuthorizationPolicy")
    package static let requestAuthentication = ConfigKind(group: "security.istio.io", kind: "RequestAuthentication")

    /// Every kind, in a stable order.
    package static let all: [ConfigKind] = [
        serviceEntry, virtualService, destinationRule, sidecar, gateway, workloadEntry,
        metaRouter, applicationProtocol, redisService, redisDestination, dubboAuthorizationPolicy,
        peerAuthentication, authorizationPolicy, requestAuthentication,
    ]
}
