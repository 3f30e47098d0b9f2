public import SwiftProtobuf

/// One xDS resource, serialized once and shared by every snapshot that holds it.
///
/// A prepared resource is immutable: its type URL, name, serialized bytes, content-derived version,
/// and the pre-encoded `Any` (and delta `Resource`) wrappers that responses are assembled from.
public final class PreparedResource: Sendable {
    /// The type URL (`type.googleapis.com/envoy.config.cluster.v3.Cluster`).
    public let typeURL: String
    /// The resource name (a ClusterLoadAssignment's `cluster_name`, otherwise `name`).
    public let name: String
    /// The deterministic protobuf serialization of the resource.
    public let bytes: [UInt8]
    /// The version: a hash of `bytes`, equal for equal content in every process.
    public let version: String
    /// The encoded `google.protobuf.Any` (type_url + value) holding the resource.
    public let anyBytes: [UInt8]
    /// The encoded `envoy.service.discovery.v3.Resource` (name, version, resource) for delta.
    public let deltaResourceBytes: [UInt8]
    /// For an EDS cluster, the name of its ClusterLoadAssignment; nil otherwise.
    public let edsServiceName: String?
    /// For a listener, the RDS route configuration names it refers to.
    public let routeReferences: [String]

    /// Prepares already serialized bytes.
    public init(
        typeURL: String,
        name: String,
        bytes: [UInt8],
        edsServiceName: String? = nil,
        routeReferences: [String] = []
    ) {
        self.typeURL = typeURL
        self.name = name
        self.bytes = bytes
        self.version = ContentHash.hex(of: bytes)
        self.edsServiceName = edsServiceName
        self.routeReferences = routeReferences
        var any = ProtoWriter(capacity: bytes.count + typeURL.utf8.count + 8)
        any.stringField(1, typeURL)
        any.bytesField(2, bytes)
        self.anyBytes = any.bytes
        var resource = ProtoWriter(capacity: anyBytes.count + name.utf8.count + 32)
        resource.stringField(1, version)
        resource.bytesField(2, anyBytes)
        resource.stringField(3, name)
        self.deltaResourceBytes = resource.bytes
    }

    /// Serializes `message` once (deterministically) and prepares it. The name is taken from the
    /// message (see `ResourceNaming`).
    /// - Throws: a SwiftProtobuf encoding error, or `ResourceError` when the name is empty.
    public convenience init(_ message: any SwiftProtobuf.Message) throws {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        let bytes: [UInt8] = try message.serializedBytes(options: options)
        SerializationCounter.increment()
        let name = ResourceNaming.name(of: message)
        guard !name.isEmpty else {
            throw ResourceError(message: "\(type(of: message).protoMessageName) has no name")
        }
        self.init(
            typeURL: "type.googleapis.com/" + type(of: message).protoMessageName,
            name: name,
            bytes: bytes,
            edsServiceName: ResourceNaming.edsServiceName(of: message),
            routeReferences: ResourceNaming.routeReferences(of: message)
        )
    }
}

/// A resource that cannot be prepared.
public struct ResourceError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// An error with a message.
    public init(message: String) {
        self.message = message
    }

    public var description: String { "invalid resource: \"\(message)\"" }
}
