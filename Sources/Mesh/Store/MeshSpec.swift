package import MeshAPI
package import SwiftProtobuf

/// The `spec` of a mesh resource, as the generated message of its kind.
package enum MeshSpec: Sendable, Equatable {
    case serviceEntry(Istio_Networking_V1alpha3_ServiceEntry)
    case virtualService(Istio_Networking_V1alpha3_VirtualService)
    case destinationRule(Istio_Networking_V1alpha3_DestinationRule)
    case sidecar(Istio_Networking_V1alpha3_Sidecar)
    case gateway(Istio_Networking_V1alpha3_Gateway)
    case workloadEntry(Istio_Networking_V1alpha3_WorkloadEntry)
    case metaRouter(Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)
    case applicationProtocol(Metaprotocol_Aeraki_Io_V1alpha1_ApplicationProtocol)
    case redisService(Redis_Aeraki_Io_V1alpha1_RedisService)
    case redisDestination(Redis_Aeraki_Io_V1alpha1_RedisDestination)
    case dubboAuthorizationPolicy(Dubbo_Aeraki_Io_V1alpha1_DubboAuthorizationPolicy)
    case peerAuthentication(Istio_Security_V1beta1_PeerAuthentication)
    case authorizationPolicy(Istio_Security_V1beta1_AuthorizationPolicy)
    case requestAuthentication(Istio_Security_V1beta1_RequestAuthentication)

    /// The kind this spec belongs to.
    package var kind: ConfigKind {
        switch self {
        case .serviceEntry: .serviceEntry
        case .virtualService: .virtualService
        case .destinationRule: .destinationRule
        case .sidecar: .sidecar
        case .gateway: .gateway
        case .workloadEntry: .workloadEntry
        case .metaRouter: .metaRouter
        case .applicationProtocol: .applicationProtocol
        case .redisService: .redisService
        case .redisDestination: .redisDestination
        case .dubboAuthorizationPolicy: .dubboAuthorizationPolicy
        case .peerAuthentication: .peerAuthentication
        case .authorizationPolicy: .authorizationPolicy
        case .requestAuthentication: .requestAuthentication
        }
    }

    /// The spec as a protobuf message.
    package var message: any SwiftProtobuf.Message {
        switch self {
        case .serviceEntry(let m): m
        case .virtualService(let m): m
        case .destinationRule(let m): m
        case .sidecar(let m): m
        case .gateway(let m): m
        case .workloadEntry(let m): m
        case .metaRouter(let m): m
        case .applicationProtocol(let m): m
        case .redisService(let m): m
        case .redisDestination(let m): m
        case .dubboAuthorizationPolicy(let m): m
        case .peerAuthentication(let m): m
        case .authorizationPolicy(let m): m
        case .requestAuthentication(let m): m
        }
    }

    /// Decodes a spec of `kind` from proto3 JSON (lowerCamelCase names, as in Istio YAML).
    /// - Throws: `SwiftProtobuf.JSONDecodingError` (unknown fields are errors).
    package init(kind: ConfigKind, jsonString: String) throws {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        self = try Self.decode(kind: kind) { type in try type.init(jsonString: jsonString, options: options) }
    }

    /// Decodes a spec of `kind` from an `Any` (an MCP resource body).
    /// - Throws: `BinaryDecodingError.schemaMismatch`/`AnyUnpackError` when the Any holds another type.
    package init(kind: ConfigKind, any: Google_Protobuf_Any) throws {
        self = try Self.decode(kind: kind) { type in try type.init(unpackingAny: any) }
    }

    /// The spec packed in an `Any` with its `type.googleapis.com/...` URL.
    package func packed() throws -> Google_Protobuf_Any {
        try Google_Protobuf_Any(message: message)
    }

    private static func decode(
        kind: ConfigKind,
        _ make: (any SwiftProtobuf.Message.Type) throws -> any SwiftProtobuf.Message
    ) throws -> MeshSpec {
        switch kind {
        case .serviceEntry: .serviceEntry(try make(Istio_Networking_V1alpha3_ServiceEntry.self) as! Istio_Networking_V1alpha3_ServiceEntry)
        case .virtualService: .virtualService(try make(Istio_Networking_V1alpha3_VirtualService.self) as! Istio_Networking_V1alpha3_VirtualService)
        case .destinationRule: .destinationRule(try make(Istio_Networking_V1alpha3_DestinationRule.self) as! Istio_Networking_V1alpha3_DestinationRule)
        case .sidecar: .sidecar(try make(Istio_Networking_V1alpha3_Sidecar.self) as! Istio_Networking_V1alpha3_Sidecar)
        case .gateway: .gateway(try make(Istio_Networking_V1alpha3_Gateway.self) as! Istio_Networking_V1alpha3_Gateway)
        case .workloadEntry: .workloadEntry(try make(Istio_Networking_V1alpha3_WorkloadEntry.self) as! Istio_Networking_V1alpha3_WorkloadEntry)
        case .metaRouter: .metaRouter(try make(Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter.self) as! Metaprotocol_Aeraki_Io_V1alpha1_MetaRouter)
        case .applicationProtocol:
            .applicationProtocol(try make(Metaprotocol_Aeraki_Io_V1alpha1_ApplicationProtocol.self) as! Metaprotocol_Aeraki_Io_V1alpha1_ApplicationProtocol)
        case .redisService: .redisService(try make(Redis_Aeraki_Io_V1alpha1_RedisService.self) as! Redis_Aeraki_Io_V1alpha1_RedisService)
        case .redisDestination: .redisDestination(try make(Redis_Aeraki_Io_V1alpha1_RedisDestination.self) as! Redis_Aeraki_Io_V1alpha1_RedisDestination)
        case .dubboAuthorizationPolicy:
            .dubboAuthorizationPolicy(try make(Dubbo_Aeraki_Io_V1alpha1_DubboAuthorizationPolicy.self) as! Dubbo_Aeraki_Io_V1alpha1_DubboAuthorizationPolicy)
        case .peerAuthentication: .peerAuthentication(try make(Istio_Security_V1beta1_PeerAuthentication.self) as! Istio_Security_V1beta1_PeerAuthentication)
        case .authorizationPolicy: .authorizationPolicy(try make(Istio_Security_V1beta1_AuthorizationPolicy.self) as! Istio_Security_V1beta1_AuthorizationPolicy)
        case .requestAuthentication:
            .requestAuthentication(try make(Istio_Security_V1beta1_RequestAuthentication.self) as! Istio_Security_V1beta1_RequestAuthentication)
        default: throw MeshSpecError(kind: kind)
        }
    }
}

/// A kind with no spec type.
struct MeshSpecError: Error, CustomStringConvertible {
    let kind: ConfigKind
    var description: String { "unsupported kind \(kind)" }
}
