import XDSCache

/// Pre-encoded pieces of the simulated clients' `DiscoveryRequest`s.
struct Requests: Sendable {
    let clusterNames: [String]
    /// The encoded `resource_names` fields naming every cluster (EDS requests).
    let edsNames: [UInt8]

    init(clusters: Int) {
        clusterNames = (0..<clusters).map { BenchResources.clusterName($0) }
        var writer = ProtoWriter(capacity: clusters * 24)
        for name in clusterNames { writer.stringField(3, name) }
        edsNames = writer.bytes
    }

    /// A request (initial when `nonce` is empty, else an ACK) for `typeURL`; EDS names every cluster.
    func request(typeURL: String, version: String, nonce: String, nodeID: String?) -> [UInt8] {
        var writer = ProtoWriter(capacity: 128 + (typeURL == TypeURL.endpoint ? edsNames.count : 0))
        writer.stringField(1, version)
        if let nodeID {
            var node = ProtoWriter()
            node.stringField(1, nodeID)
            writer.bytesField(2, node.bytes)
        }
        if typeURL == TypeURL.endpoint { writer.raw(edsNames) }
        writer.stringField(4, typeURL)
        writer.stringField(5, nonce)
        return writer.bytes
    }
}
