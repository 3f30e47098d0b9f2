package import SwiftProtobuf

/// One xDS resource, serialized once and shared by every snapshot that holds it.
///
/// A prepared resource is immutable: its type URL, name, serialized bytes, content-derived version,
/// and the pre-encoded `Any` (and delta `Resource`) wrappers that responses are assembled from.
package final class PreparedResource: Sendable {
    /// The type URL (`type.googleapis.com/envoy.config.cluster.v3.Cluster`).
    package let typeURL: String
    /// The resource name (a ClusterLoadAssignment's `cluster_name`, otherwise `name`).
    package let name: String
    /// The version: a hash of `bytes`, equal for equal content in every process.
    package let version: String
    /// The encoded `envoy.service.discovery.v3.Resource` (version, resource, name) for delta: the one
    /// stored encoding; ``anyBytes`` and ``bytes`` are slices of it.
    package let deltaResourceBytes: [UInt8]
    private let anyRange: Range<Int>
    private let bytesRange: Range<Int>
    /// For an EDS cluster, the name of its ClusterLoadAssignment; nil otherwise.
    package let edsServiceName: String?
    /// For a listener, the RDS route configuration names it refers to.
    package let routeReferences: [String]

    /// The deterministic protobuf serialization of the resource.
    package var bytes: ArraySlice<UInt8> { deltaResourceBytes[bytesRange] }
    /// The encoded `google.protobuf.Any` (type_url + value) holding the resource.
    package var anyBytes: ArraySlice<UInt8> { deltaResourceBytes[anyRange] }

    /// Prepares already serialized bytes.
    package init(
        typeURL: String,
        name: String,
        bytes: [UInt8],
        edsServiceName: String? = nil,
        routeReferences: [String] = []
    ) {
        self.typeURL = typeURL
        self.name = name
        self.version = ContentHash.hex(of: bytes)
        self.edsServiceName = edsServiceName
        self.routeReferences = routeReferences
        let anySize = ProtoWriter.fieldSize(payloadSize: typeURL.utf8.count) + ProtoWriter.fieldSize(payloadSize: bytes.count)
        var writer = ProtoWriter(capacity: anySize + version.utf8.count + name.utf8.count + 16)
        writer.stringField(1, version)
        writer.header(field: 2, length: anySize)
        let anyStart = writer.bytes.count
        writer.stringField(1, typeURL)
        writer.header(field: 2, length: bytes.count)
        let bytesStart = writer.bytes.count
        writer.raw(bytes)
        let anyEnd = writer.bytes.count
        writer.stringField(3, name)
        self.deltaResourceBytes = writer.bytes
        self.anyRange = anyStart..<anyEnd
        self.bytesRange = bytesStart..<anyEnd
    }

    /// Serializes `message` once (deterministically) and prepares it. The name is the xDS name of
    /// the message (see `ResourceNaming`); what the resource refers to by name is the producer's to
    /// say: `routeReferences` for a listener whose filters use RDS (the cache never looks inside
    /// filters). An EDS cluster's assignment name is read from the cluster.
    /// - Throws: a SwiftProtobuf encoding error, or `ResourceError` when the name is empty.
    package convenience init(_ message: any SwiftProtobuf.Message, routeReferences: [String] = []) throws {
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
            routeReferences: routeReferences
        )
    }
}

/// A resource that cannot be prepared.
package struct ResourceError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    package var message: String

    /// An error with a message.
    package init(message: String) {
        self.message = message
    }

    package var description: String { "invalid resource: \"\(message)\"" }
}
