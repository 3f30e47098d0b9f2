internal import Foundation

/// The fields of `metadata` the service registry reads.
struct ObjectMetadata: Decodable, Sendable, Equatable {
    var name: String
    var namespace: String?
    var labels: [String: String]?
    var annotations: [String: String]?
    var creationTimestamp: String?
    var resourceVersion: String?
}

/// A `v1` Service, as far as the mesh needs it.
struct KubeService: Decodable, Sendable, Equatable {
    struct Port: Decodable, Sendable, Equatable {
        var name: String?
        var port: UInt32
        var `protocol`: String?
        var appProtocol: String?
        var targetPort: IntOrString?
    }

    struct Spec: Decodable, Sendable, Equatable {
        var type: String?
        var clusterIP: String?
        var clusterIPs: [String]?
        var externalName: String?
        var ports: [Port]?
    }

    var metadata: ObjectMetadata
    var spec: Spec
}

/// A `discovery.k8s.io/v1` EndpointSlice.
struct KubeEndpointSlice: Decodable, Sendable, Equatable {
    struct Conditions: Decodable, Sendable, Equatable {
        var ready: Bool?
    }

    struct ObjectReference: Decodable, Sendable, Equatable {
        var kind: String?
        var name: String?
        var namespace: String?
    }

    struct Endpoint: Decodable, Sendable, Equatable {
        var addresses: [String]
        var conditions: Conditions?
        var targetRef: ObjectReference?
    }

    struct Port: Decodable, Sendable, Equatable {
        var name: String?
        var port: UInt32?
    }

    /// The label naming the Service a slice belongs to.
    static let serviceNameLabel = "kubernetes.io/service-name"

    var metadata: ObjectMetadata
    var addressType: String
    var endpoints: [Endpoint]?
    var ports: [Port]?

    /// The Service this slice belongs to, if labelled.
    var serviceName: String? { metadata.labels?[Self.serviceNameLabel] }
}

/// A `v1` Pod: the labels, IP and service account of an endpoint's target.
struct KubePod: Decodable, Sendable, Equatable {
    struct Spec: Decodable, Sendable, Equatable {
        var serviceAccountName: String?
    }

    var metadata: ObjectMetadata
    var spec: Spec?
}

/// A Kubernetes `IntOrString` (a Service's `targetPort`).
enum IntOrString: Decodable, Sendable, Equatable {
    case int(UInt32)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt32.self) { self = .int(number) } else { self = .string(try container.decode(String.self)) }
    }
}

extension KubernetesObject {
    /// The object decoded as `type`, or why it does not decode.
    func decoded<T: Decodable>(as type: T.Type) -> Result<T, any Error> {
        Result { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }
    }
}
