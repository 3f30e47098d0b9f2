import LibGRPCTransport
internal import XDSCache

/// Assembles discovery responses in the protobuf wire format around the cached `Any` bytes of each
/// resource: resources are never re-encoded.
struct ResponseEncoder: Sendable {
    /// The encoded `control_plane` field (6 in SotW, 7 in delta share the payload), or empty.
    private let controlPlanePayload: [UInt8]
    /// Distinguishes this encoder's encodings in a set's memo (they embed the control plane id).
    private let memoSuffix: String

    /// An encoder that stamps `controlPlaneID` into every response (empty: none).
    init(controlPlaneID: String) {
        var writer = ProtoWriter()
        writer.stringField(1, controlPlaneID)
        controlPlanePayload = writer.bytes
        memoSuffix = "#" + controlPlaneID
    }

    /// The shared `DiscoveryResponse` carrying every resource of `wholeSet` with nonce `nonce`
    /// (`s<set id>`), encoded once for all streams.
    func sharedSotW(typeURL: String, wholeSet: TypeResources, nonce: String) -> Payload {
        wholeSet.memo.value("sotw-response#" + typeURL + memoSuffix) {
            Payload(encodeWholeSet(typeURL: typeURL, wholeSet: wholeSet, nonce: nonce))
        }
    }

    private func encodeWholeSet(typeURL: String, wholeSet: TypeResources, nonce: String) -> [UInt8] {
        var writer = ProtoWriter(
            capacity: wholeSet.sorted.reduce(96) { $0 + ProtoWriter.fieldSize(payloadSize: $1.anyBytes.count) }
        )
        writer.stringField(1, wholeSet.version)
        for resource in wholeSet.sorted {
            writer.bytesField(2, resource.anyBytes)
        }
        writer.stringField(4, typeURL)
        writer.stringField(5, nonce)
        if !controlPlanePayload.isEmpty { writer.bytesField(6, controlPlanePayload) }
        return writer.bytes
    }

    /// A `DiscoveryResponse`. When `wholeSet` is given the resources are exactly that set, in name
    /// order, and the encoding of everything but the nonce is shared with other streams.
    func sotw(
        typeURL: String,
        version: String,
        nonce: String,
        resources: [PreparedResource],
        wholeSet: TypeResources? = nil
    ) -> [UInt8] {
        guard let wholeSet else {
            return sotwBody(typeURL: typeURL, version: version, nonce: nonce, resources: resources)
        }
        let prefix = wholeSet.memo.value("sotw-prefix#" + typeURL + memoSuffix) {
            var writer = ProtoWriter(capacity: resources.reduce(64) { $0 + ProtoWriter.fieldSize(payloadSize: $1.anyBytes.count) })
            writer.stringField(1, version)
            for resource in wholeSet.sorted {
                writer.bytesField(2, resource.anyBytes)
            }
            writer.stringField(4, typeURL)
            return writer.bytes
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(prefix.count + 32 + controlPlanePayload.count)
        bytes.append(contentsOf: prefix)
        var tail = ProtoWriter(capacity: 32 + controlPlanePayload.count)
        tail.stringField(5, nonce)
        if !controlPlanePayload.isEmpty { tail.bytesField(6, controlPlanePayload) }
        bytes.append(contentsOf: tail.bytes)
        return bytes
    }

    private func sotwBody(typeURL: String, version: String, nonce: String, resources: [PreparedResource]) -> [UInt8] {
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

    /// The shared `DeltaDiscoveryResponse` carrying every resource of `wholeSet` and removing nothing,
    /// with nonce `nonce` (`s<set id>`), encoded once for all streams.
    func sharedDelta(typeURL: String, wholeSet: TypeResources, nonce: String) -> Payload {
        wholeSet.memo.value("delta-response#" + typeURL + memoSuffix) {
            Payload(delta(typeURL: typeURL, version: wholeSet.version, nonce: nonce, resources: wholeSet.sorted, removed: []))
        }
    }

    /// A `DeltaDiscoveryResponse`.
    func delta(
        typeURL: String,
        version: String,
        nonce: String,
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
        writer.stringField(5, nonce)
        for name in removed {
            writer.header(field: 6, length: name.utf8.count)
            writer.raw(Array(name.utf8))
        }
        if !controlPlanePayload.isEmpty { writer.bytesField(7, controlPlanePayload) }
        return writer.bytes
    }
}
