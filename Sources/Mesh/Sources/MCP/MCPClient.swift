internal import EnvoyAPI
internal import Foundation
internal import LibGRPCTransport
package import Logging
internal import ServiceLifecycle
internal import SwiftProtobuf

/// The MCP-over-xDS client: learns the mesh from istiod the way Aeraki does (ADS with node
/// metadata `GENERATOR=api`), and keeps a ``ConfigStore`` in step.
///
/// One subscription per kind for both the `v1alpha3` and `v1` type URLs, merged; items deduplicated
/// by `metadata.version`; deletes as missing items (SotW) or removed resources (delta). Undecodable
/// items are NACKed with details while the rest is applied. On disconnect the client reconnects
/// with exponential backoff and jitter; the last known config stays in effect, and a resync that
/// brings nothing new changes nothing in the store (so no change event).
package struct MCPClient: Service {
    static let sotwMethod = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"
    static let deltaMethod = "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources"

    private let configuration: Configuration
    private let store: ConfigStore
    private let logger: Logger
    private let onInitialSync: @Sendable () -> Void
    private let onStreamEnded: @Sendable () -> Void

    /// A client feeding `store` from istiod. `onInitialSync` is called once, when every subscribed
    /// type has had its first response applied to the store; `onStreamEnded` after every stream to
    /// istiod ends (closed, failed or refused), before the client waits to reconnect.
    package init(
        configuration: Configuration, store: ConfigStore, logger: Logger = Logger(label: "io.aeraki.mesh.mcp"),
        onInitialSync: @escaping @Sendable () -> Void = {}, onStreamEnded: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.onStreamEnded = onStreamEnded
        self.onInitialSync = onInitialSync
    }

    /// Connects and keeps reconnecting until cancelled or shut down gracefully.
    /// - Throws: `TransportError` when the channel cannot be created (bad TLS files).
    package func run() async throws {
        let tls = try configuration.tls.map {
            try ClientTLSConfiguration(rootCertificatesFile: $0.rootCertificatesFile, serverNameOverride: $0.serverNameOverride)
        }
        var channelConfiguration = GRPCChannel.Configuration(tls: tls)
        channelConfiguration.keepalive = configuration.keepalive
        // The core's own reconnection backoff follows ours, so a restarted istiod is found promptly.
        channelConfiguration.reconnectBackoff = (configuration.backoff.initial, configuration.backoff.maximum)
        let channel = try GRPCChannel(target: configuration.address, configuration: channelConfiguration)
        let configuration = self.configuration
        let client = self
        try? await cancelWhenGracefulShutdown {
            var session = MCPSession(kinds: configuration.kinds)
            var backoff = configuration.backoff
            while !Task.isCancelled {
                if await client.runStream(channel: channel, session: &session) { backoff.reset() }
                client.onStreamEnded()
                let delay = backoff.next()
                client.logger.debug("reconnecting to istiod", metadata: ["mcp.delay": "\(delay)"])
                try await Task.sleep(for: delay)
            }
        }
        await channel.close()
    }

    /// Runs one stream until it ends; returns whether any response arrived.
    ///
    /// Only the first subscription is sent before istiod answers, so a stream istiod refuses
    /// (UNAUTHENTICATED, PERMISSION_DENIED) costs one request, and its status comes from `receive()`.
    func runStream(channel: GRPCChannel, session: inout MCPSession) async -> Bool {
        session.streamRestarted()
        var received = false
        do {
            let metadata = try requestMetadata()
            let node = configuration.node
            switch configuration.mode {
            case .stateOfTheWorld:
                try await channel.withStream(method: Self.sotwMethod, metadata: metadata) { stream in
                    try await exchange(
                        on: stream, subscriptions: session.subscribeRequests(node: node),
                        responseType: Envoy_Service_Discovery_V3_DiscoveryResponse.self,
                        session: &session, received: &received
                    ) { $0.handle($1) }
                }
            case .delta:
                try await channel.withStream(method: Self.deltaMethod, metadata: metadata) { stream in
                    try await exchange(
                        on: stream, subscriptions: session.deltaSubscribeRequests(node: node),
                        responseType: Envoy_Service_Discovery_V3_DeltaDiscoveryResponse.self,
                        session: &session, received: &received
                    ) { $0.handle($1) }
                }
            }
            logger.info("istiod closed the MCP stream", metadata: ["mcp.address": "\(configuration.address)"])
        } catch {
            logger.warning("MCP stream to istiod failed", metadata: ["mcp.address": "\(configuration.address)", "mcp.error": "\(error)"])
        }
        return received
    }

    /// Sends the first subscription, then answers every response (ACK or NACK) and sends the other
    /// subscriptions once istiod answered the first (see `runStream`), until the stream ends.
    private func exchange<Request: SwiftProtobuf.Message, Response: DiscoveryResponseMessage>(
        on stream: ClientStream,
        subscriptions: [Request],
        responseType: Response.Type,
        session: inout MCPSession,
        received: inout Bool,
        handle: (inout MCPSession, Response) -> (changedKind: ConfigKind?, errors: [String], reply: Request)
    ) async throws {
        var pending = subscriptions[...]
        if let first = pending.popFirst() { try await stream.send(try first.serializedBytes()) }
        while let bytes = try await stream.receive() {
            let response = try Response(serializedBytes: bytes)
            received = true
            let wasSynced = session.unansweredTypeURLs.isEmpty
            let (kind, errors, reply) = handle(&session, response)
            report(errors, typeURL: response.typeURL, nonce: response.nonce)
            if let kind { apply(kind, session: session) }
            if !wasSynced, session.unansweredTypeURLs.isEmpty { onInitialSync() }
            try await stream.send(try reply.serializedBytes())
            while let request = pending.popFirst() { try await stream.send(try request.serializedBytes()) }
        }
    }

    private func requestMetadata() throws -> Metadata {
        var metadata = Metadata()
        if let tokenFile = configuration.tokenFile {
            let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            metadata.add("authorization", "Bearer \(token)")
        }
        return metadata
    }

    private func apply(_ kind: ConfigKind, session: MCPSession) {
        let errors = store.replace(origin: configuration.origin, kinds: [kind], with: session.merged(kind))
        for error in errors {
            logger.warning("rejected mesh resource", metadata: ["mesh.error": "\(error)"])
        }
    }

    private func report(_ errors: [String], typeURL: String, nonce: String) {
        guard !errors.isEmpty else { return }
        logger.info("NACK", metadata: ["xds.type_url": "\(typeURL)", "xds.nonce": "\(nonce)", "mcp.errors": "\(errors)"])
    }
}

/// What the client reads from a SotW or delta discovery response besides its resources.
protocol DiscoveryResponseMessage: SwiftProtobuf.Message {
    var typeURL: String { get }
    var nonce: String { get }
}

extension Envoy_Service_Discovery_V3_DiscoveryResponse: DiscoveryResponseMessage {}
extension Envoy_Service_Discovery_V3_DeltaDiscoveryResponse: DiscoveryResponseMessage {}
