internal import XDSCache

/// Assembles discovery responses in the protobuf wire format around the cached `Any` bytes of each
/// resource: resources are never re-encoded.
struct ResponseEncoder: Sendable {
    /// The encoded `control_plane` field (6 in SotW, 7 in delta share the payload), or empty.
    private let controlPlanePayload: [UInt8]

    /// An encoder that stamps `controlPlaneID` into every response (empty: none).
    init(controlPlaneID: String) {
        var writer = ProtoWriter()
        writer.stringField(1, controlPlaneID)
        controlPlanePayload = writer.bytes
    }

    /// A `DiscoveryResponse`.
    func sotw(typeURL: String, version: String, nonce: UInt64, resources: [PreparedResource]) -> [UInt8] {
        let size = resources.reduce(64 + typeURL.utf8.count + version.utf8.count) {
            $0 + ProtoWriter.fieldSize(payloadSize: $1.anyBytes.count)
        }
        var writer = ProtoWriter(capacity: size + controlPlanePayload.count)
        writer.stringField(1, version)
        for resource in resources {
            writer.bytesField(2, resource.anyBytes)
        }
        writer.stringField(4, typeURL)
        writer.stringField(5, String(nonce))
        if !controlPlanePayload.isEmpty { writer.bytesField(6, controlPlanePayload) }
        return writer.bytes
    }

    /// A `DeltaDiscoveryResponse`.
    func delta(
        typeURL: String,
        version: String,
        nonce: UInt64,
        resources: [PreparedResource],
        removed: [String]
    ) -> [UInt8] {
        let size = resources.reduce(64 + typeURL.utf8.count + version.utf8.count) {
            $0 + ProtoWriter.fieldSize(payloadSize: $1.deltaResourceBytes.count)
        }
        var writer = ProtoWriter(capacity: size + controlPlanePayload.count + removed.count * 32)
        writer.stringField(1, version)
        for resource in resources {
            writer.bytesField(2, resource.deltaResourceBytes)
        }
        writer.stringField(4, typeURL)
        writer.stringField(5, String(nonce))
        for name in removed {
            writer.header(field: 6, length: name.utf8.count)
            writer.raw(Array(name.utf8))
        }
        if !controlPlanePayload.isEmpty { writer.bytesField(7, controlPlanePayload) }
        return writer.bytes
    }
}
