package import Admin
import EnvoyAPI
import LibGRPCTransport
package import Logging
import Mesh
import Synchronization
package import XDSCache
package import XDSServer

/// The xDS hooks of `aeraki serve`: admits a stream's node when it is a valid Istio proxy (its
/// namespace is what the server authorizes the stream's identity against), registers the proxy once
/// the stream is authorized, keeps metrics, and logs every stream event with the node id.
package final class XDSObserver: Sendable {
    private let registry: ProxyRegistry
    private let cache: SnapshotCache
    private let metrics: AerakiMetrics
    private let logger: Logger
    /// Streams that registered a proxy: stream id → (node id, delta).
    private let streams = Mutex<[UInt64: (nodeID: String, isDelta: Bool)]>([:])
    /// Nodes admitted but not yet registered (the server authorizes between the two), by stream id.
    private let admitted = Mutex<[UInt64: ProxyIdentity]>([:])

    /// An observer updating `registry` and `metrics`.
    package init(registry: ProxyRegistry, cache: SnapshotCache, metrics: AerakiMetrics, logger: Logger = Logger(label: "io.aeraki.server.xds")) {
        self.registry = registry
        self.cache = cache
        self.metrics = metrics
        self.logger = logger
    }

    /// The hooks to give the `XDSServer`.
    package var hooks: XDSHooks {
        var hooks = XDSHooks()
        hooks.onStreamOpen = { [self] info in
            logger.debug("xDS stream opened", metadata: ["xds.stream.id": "\(info.id)", "xds.method": "\(info.method)", "xds.peer": "\(info.peer)"])
        }
        hooks.admitNode = { [self] info in try self.admit(info) }
        hooks.onRequest = { [self] info, request in try self.request(info, request) }
        hooks.onStreamClosed = { [self] info in self.closed(info) }
        hooks.onResponse = { [self] info, response in
            metrics.recordPush(typeURL: response.typeURL, bytes: response.byteCount)
            if let since = registry.takePending(info.nodeID) {
                metrics.recordPushLatency(ContinuousClock.now - since)
            }
            logger.debug("xDS response sent", metadata: [
                "xds.node.id": "\(info.nodeID)", "xds.stream.id": "\(info.id)", "xds.type_url": "\(response.typeURL)",
                "xds.version": "\(response.version)", "xds.nonce": "\(response.nonce)", "xds.resources": "\(response.resourceCount)",
            ])
        }
        hooks.onNack = { [self] info, nack in
            metrics.recordNack(typeURL: nack.typeURL)
            logger.info("proxy rejected config (NACK)", metadata: [
                "xds.node.id": "\(info.nodeID)", "xds.stream.id": "\(info.id)", "xds.type_url": "\(nack.typeURL)",
                "xds.nonce": "\(nack.nonce)", "xds.error": "\(nack.message)",
            ])
        }
        return hooks
    }

    /// Parses the node as an Istio proxy: its config namespace and `SERVICE_ACCOUNT` metadata are
    /// what the stream's identity must match.
    private func admit(_ info: StreamInfo) throws -> AdmittedNode {
        guard let node = info.node else {
            throw RPCError(code: .invalidArgument, message: "the first request must carry a node")
        }
        let identity: ProxyIdentity
        do {
            identity = try ProxyIdentity(node: node)
        } catch {
            logger.info("xDS stream refused", metadata: ["xds.node.id": "\(info.nodeID)", "xds.error": "\(error)"])
            throw RPCError(code: .invalidArgument, message: "\(error)")
        }
        admitted.withLock { $0[info.id] = identity }
        return AdmittedNode(namespace: identity.namespace, serviceAccount: identity.metadata["SERVICE_ACCOUNT"])
    }

    private func request(_ info: StreamInfo, _ request: RequestEvent) throws {
        let known = streams.withLock { $0[info.id] != nil }
        if !known {
            guard let identity = admitted.withLock({ $0.removeValue(forKey: info.id) }) else {
                throw RPCError(code: .invalidArgument, message: "the first request must carry a node")
            }
            streams.withLock { $0[info.id] = (info.nodeID, info.isDelta) }
            metrics.streamOpened(info.isDelta ? .delta : .sotw)
            let first = registry.streamOpened(identity)
            logger.info("proxy connected", metadata: [
                "xds.node.id": "\(info.nodeID)", "xds.stream.id": "\(info.id)", "xds.stream.kind": "\(info.isDelta ? "delta" : "sotw")",
                "xds.peer": "\(info.peer)", "xds.caller": "\(info.caller.map(\.description) ?? "none")", "xds.first_stream": "\(first)",
            ])
        }
        logger.trace("xDS request", metadata: [
            "xds.node.id": "\(info.nodeID)", "xds.stream.id": "\(info.id)", "xds.type_url": "\(request.typeURL)",
            "xds.nonce": "\(request.responseNonce)", "xds.request.kind": "\(request.kind)",
        ])
    }

    private func closed(_ info: StreamInfo) {
        admitted.withLock { $0[info.id] = nil }
        guard let entry = streams.withLock({ $0.removeValue(forKey: info.id) }) else {
            logger.debug("xDS stream closed", metadata: ["xds.node.id": "\(info.nodeID)", "xds.stream.id": "\(info.id)"])
            return
        }
        metrics.streamClosed(entry.isDelta ? .delta : .sotw)
        let last = registry.streamClosed(entry.nodeID)
        if last { cache.clearSnapshot(forNode: entry.nodeID) }
        logger.info("proxy disconnected", metadata: [
            "xds.node.id": "\(entry.nodeID)", "xds.stream.id": "\(info.id)", "xds.last_stream": "\(last)",
        ])
    }
}
