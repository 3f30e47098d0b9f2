import EnvoyAPI
import LibGRPCTransport
import Logging
import SwiftProtobuf
import Synchronization
import XDSCache

/// A request as the shared read loop needs it, whatever the protocol (SotW or delta).
protocol DiscoveryRequestFields: Sendable {
    /// The message name used in the error for a request that fails to decode.
    static var messageName: String { get }
    /// Decodes one request from the wire.
    init(wire bytes: [UInt8]) throws
    /// The type URL the request names (empty on a per-type RPC that leaves it out).
    var typeURL: String { get }
    /// The nonce of the response this request answers.
    var responseNonce: String { get }
    /// The node the request carries, if any.
    var nodeIfPresent: Envoy_Config_Core_V3_Node? { get }
}

/// A stream's state (SotW or delta) as the shared read loop drives it.
protocol DiscoveryStreamCore: SnapshotWatcher, StreamStatusProviding {
    associatedtype Request: DiscoveryRequestFields
    /// The stream id.
    var id: UInt64 { get }
    /// The node id, once known.
    var nodeID: String? { get }
    /// Records the node of the first request; returns its id if this call set it.
    func adoptNode(_ node: Envoy_Config_Core_V3_Node?) -> String?
    /// Applies one request for `typeURL` and marks the type for evaluation.
    func receive(_ request: Request, typeURL: String, now: Double) -> RequestKind
    /// Stops producing responses and wakes the writer.
    func close()
}

extension SotWRequest: DiscoveryRequestFields {
    static var messageName: String { "DiscoveryRequest" }
    var nodeIfPresent: Envoy_Config_Core_V3_Node? { node }
}

extension Envoy_Service_Discovery_V3_DeltaDiscoveryRequest: DiscoveryRequestFields {
    static var messageName: String { "DeltaDiscoveryRequest" }
    init(wire bytes: [UInt8]) throws { try self.init(serializedBytes: bytes) }
    var nodeIfPresent: Envoy_Config_Core_V3_Node? { hasNode ? node : nil }
}

extension SotWStream: DiscoveryStreamCore {
    typealias Request = SotWRequest
}

extension DeltaStream: DiscoveryStreamCore {}

extension XDSServer {
    /// Serves one stream, SotW or delta: runs `write` as the writer task while this task reads
    /// requests into `core`, watching the cache once the node is known, and calling the hooks.
    func runStream<Core: DiscoveryStreamCore>(
        _ stream: ServerStream,
        core: Core,
        isDelta: Bool,
        fixedTypeURL: String?,
        write: @escaping @Sendable (StreamInfo) async throws -> Void
    ) async throws -> Metadata {
        var info = StreamInfo(
            id: core.id, method: stream.context.method, peer: stream.context.peer, isDelta: isDelta, nodeID: ""
        )
        info.caller = try await authenticate(stream.context, streamID: core.id)
        try runHook { try hooks.onStreamOpen?(info) }
        let limit = configuration.maxStreams
        let admitted = streams.withLock { open in
            guard open.count < limit else { return false }
            open[core.id] = OpenStream(core: core, namespace: nil)
            return true
        }
        guard admitted else {
            hooks.onStreamClosed?(info)
            throw RPCError(code: .resourceExhausted, message: "the server already serves its maximum of \(limit) xDS streams (--max-streams)")
        }
        defer {
            core.close()
            streams.withLock { $0[core.id] = nil }
            if let node = core.nodeID { cache.removeWatcher(core, forNode: node) }
            hooks.onStreamClosed?(info)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let writerInfo = info
            group.addTask { try await write(writerInfo) }
            let result: Result<Void, any Error>
            do {
                for try await bytes in stream.requests {
                    let request: Core.Request
                    do {
                        request = try Core.Request(wire: bytes)
                    } catch {
                        throw RPCError(code: .invalidArgument, message: "malformed \(Core.Request.messageName): \(error)")
                    }
                    let typeURL = fixedTypeURL ?? request.typeURL
                    guard !typeURL.isEmpty else {
                        throw RPCError(code: .invalidArgument, message: "type_url is required on ADS")
                    }
                    if core.nodeID == nil {
                        // Admission before adoption: a refused node is never watched nor sent anything.
                        var candidate = info
                        candidate.nodeID = request.nodeIfPresent?.id ?? ""
                        candidate.node = request.nodeIfPresent
                        try admit(candidate)
                    }
                    if let node = core.adoptNode(request.nodeIfPresent) {
                        info.nodeID = node
                        info.node = request.nodeIfPresent
                        let (snapshot, sequence) = cache.addWatcher(core, forNode: node)
                        core.snapshotDidChange(snapshot, sequence: sequence)
                    }
                    let kind = core.receive(request, typeURL: typeURL, now: Self.now())
                    let event = RequestEvent(typeURL: typeURL, responseNonce: request.responseNonce, kind: kind.label)
                    try runHook { try hooks.onRequest?(info, event) }
                    if case .nack(let message) = kind {
                        logger.info("NACK", metadata: [
                            "xds.node.id": "\(info.nodeID)", "xds.type_url": "\(typeURL)",
                            "xds.nonce": "\(request.responseNonce)", "xds.error": "\(message)",
                        ])
                        hooks.onNack?(info, NackEvent(typeURL: typeURL, nonce: request.responseNonce, message: message))
                    }
                }
                result = .success(())
            } catch {
                result = .failure(error)
            }
            core.close()
            try? await group.waitForAll()
            try result.get()
            return [:]
        }
    }

    /// The identity the stream proves, as its listener requires (logged and thrown when refused).
    func authenticate(_ context: ServerContext, streamID: UInt64) async throws(RPCError) -> CallerIdentity? {
        do {
            return try await configuration.authentication.authenticate(context)
        } catch {
            logger.info("xDS stream refused", metadata: [
                "xds.stream.id": "\(streamID)", "xds.peer": "\(context.peer)", "xds.method": "\(context.method)",
                "xds.error": "\(error.message)",
            ])
            throw error
        }
    }

    /// Runs the admission hook for the stream's node and, on an authenticated stream, checks that
    /// the caller's identity may have that node's config: its namespace and, when the hook names
    /// one, its service account. Without an admission hook the namespace is unknown, so an
    /// authenticated stream is refused (fail closed).
    private func admit(_ info: StreamInfo) throws {
        guard info.node != nil, !info.nodeID.isEmpty else {
            if info.caller != nil { throw RPCError(code: .invalidArgument, message: "missing node information") }
            return
        }
        guard info.nodeID.utf8.count <= configuration.maxNodeIDBytes else {
            throw RPCError(
                code: .invalidArgument,
                message: "the node id is \(info.nodeID.utf8.count) bytes; at most \(configuration.maxNodeIDBytes) are accepted"
            )
        }
        var admitted: AdmittedNode?
        try runHook { admitted = try hooks.admitNode?(info) }
        if let caller = info.caller {
            do {
                try caller.authorize(namespace: admitted?.namespace ?? "", serviceAccount: admitted?.serviceAccount)
            } catch {
                logger.info("xDS stream refused", metadata: [
                    "xds.node.id": "\(info.nodeID)", "xds.stream.id": "\(info.id)", "xds.caller": "\(caller)",
                    "xds.error": "\(error.message)",
                ])
                throw error
            }
        }
        streams.withLock { $0[info.id]?.namespace = admitted?.namespace }
    }
}
