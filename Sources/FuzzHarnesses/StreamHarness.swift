internal import EnvoyAPI
internal import SwiftProtobuf
internal import XDSCache
internal import XDSServer

/// A SotW or delta stream as the stream harness drives it: the stream's own state machines, with
/// no transport around them.
protocol FuzzedStream {
    associatedtype Request: SwiftProtobuf.Message
    associatedtype Outbound

    var nodeID: String? { get }
    func adoptNode(_ node: Envoy_Config_Core_V3_Node?) -> String?
    func snapshotDidChange(_ snapshot: Snapshot?, sequence: UInt64)
    func receive(_ request: Request, typeURL: String, now: Double) -> RequestKind
    func nextOutbound(now: Double) -> Outbound?
    func close()
    func status() -> StreamStatus

    /// The request's type URL and node.
    static func typeURL(of request: Request) -> String
    static func node(of request: Request) -> Envoy_Config_Core_V3_Node?
    /// Checks one response against the snapshot it was planned from; traps on a violation.
    static func check(_ outbound: Outbound, snapshot: Snapshot?)
    static func nonce(of outbound: Outbound) -> UInt64
}

/// Feeds a stream requests decoded from the input, snapshot changes and status reads in the order
/// the input says, draining its responses, and traps when a response breaks an invariant: nonces
/// increase, a response only carries resources of the stream's current snapshot, and draining ends
/// (no type keeps producing responses by itself).
enum StreamHarness {
    /// Type URLs for requests that name none (SotW per-type streams, bad clients).
    static let typeURLs = [TypeURL.cluster, TypeURL.endpoint, TypeURL.listener, TypeURL.route, "type.googleapis.com/unknown.Type", ""]

    static func run<Stream: FuzzedStream>(_ stream: Stream, _ bytes: [UInt8]) {
        var input = FuzzInput(bytes)
        var snapshot: Snapshot?
        var sequence: UInt64 = 0
        var types = Set<String>()
        var lastNonce: UInt64 = 0
        func drain() {
            for _ in 0...(2 * types.count + 2) {
                guard let outbound = stream.nextOutbound(now: Double(sequence)) else { return }
                let nonce = Stream.nonce(of: outbound)
                precondition(nonce > lastNonce, "nonce \(nonce) after \(lastNonce)")
                lastNonce = nonce
                Stream.check(outbound, snapshot: snapshot)
            }
            preconditionFailure("the stream keeps producing responses: \(types.count) types")
        }
        while let operation = input.byte() {
            switch operation % 4 {
            case 0:
                guard let chunk = input.chunk(), let request = try? Stream.Request(serializedBytes: chunk) else { continue }
                if stream.nodeID == nil { _ = stream.adoptNode(Stream.node(of: request)) }
                var typeURL = Stream.typeURL(of: request)
                if typeURL.isEmpty { typeURL = typeURLs[Int(input.byte() ?? 0) % typeURLs.count] }
                types.insert(typeURL)
                _ = stream.receive(request, typeURL: typeURL, now: Double(sequence))
            case 1:
                snapshot = FuzzSnapshots.pick(input.byte() ?? 0)
                sequence += 1
                stream.snapshotDidChange(snapshot, sequence: sequence)
            case 2:
                drain()
            default:
                _ = stream.status()
            }
        }
        drain()
        stream.close()
        precondition(stream.nextOutbound(now: 0) == nil, "a closed stream produced a response")
    }

    /// Traps unless every resource is the very object the snapshot holds under its name.
    static func checkFromSnapshot(_ resources: [PreparedResource], typeURL: String, snapshot: Snapshot?) {
        let current = snapshot?.resources(typeURL) ?? .empty
        for resource in resources {
            precondition(current[resource.name] === resource, "\(typeURL) \(resource.name) is not in the current snapshot")
        }
    }
}

/// The SotW harness: `SotWStream` (ADS) fed `DiscoveryRequest`s.
package enum SotWStreamHarness {
    package static func run(_ bytes: [UInt8]) {
        StreamHarness.run(SotWStream(id: 1, isADS: true, legacyWildcardDisabled: []), bytes)
    }
}

extension SotWStream: FuzzedStream {
    static func typeURL(of request: Envoy_Service_Discovery_V3_DiscoveryRequest) -> String { request.typeURL }
    static func node(of request: Envoy_Service_Discovery_V3_DiscoveryRequest) -> Envoy_Config_Core_V3_Node? {
        request.hasNode ? request.node : nil
    }
    static func nonce(of outbound: Outbound) -> UInt64 { outbound.nonce }
    static func check(_ outbound: Outbound, snapshot: Snapshot?) {
        StreamHarness.checkFromSnapshot(outbound.resources, typeURL: outbound.typeURL, snapshot: snapshot)
    }
}

/// The delta harness: `DeltaStream` (ADS) fed `DeltaDiscoveryRequest`s.
package enum DeltaStreamHarness {
    package static func run(_ bytes: [UInt8]) {
        StreamHarness.run(DeltaStream(id: 1, isADS: true, legacyWildcardDisabled: []), bytes)
    }
}

extension DeltaStream: FuzzedStream {
    static func typeURL(of request: Envoy_Service_Discovery_V3_DeltaDiscoveryRequest) -> String { request.typeURL }
    static func node(of request: Envoy_Service_Discovery_V3_DeltaDiscoveryRequest) -> Envoy_Config_Core_V3_Node? {
        request.hasNode ? request.node : nil
    }
    static func nonce(of outbound: Outbound) -> UInt64 { outbound.nonce }
    static func check(_ outbound: Outbound, snapshot: Snapshot?) {
        StreamHarness.checkFromSnapshot(outbound.resources, typeURL: outbound.typeURL, snapshot: snapshot)
        let sent = Set(outbound.resources.map(\.name))
        precondition(outbound.removed.allSatisfy { !sent.contains($0) }, "a name is both sent and removed")
    }
}
