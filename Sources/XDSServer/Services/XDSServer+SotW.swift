import EnvoyAPI
import LibGRPCTransport
import Logging
import SwiftProtobuf
import XDSCache

extension XDSServer {
    /// Serves one SotW stream; `fixedTypeURL` is set for per-type RPCs and nil for ADS.
    func runSotW(_ stream: ServerStream, fixedTypeURL: String?) async throws -> Metadata {
        let core = SotWStream(
            id: makeStreamID(),
            isADS: fixedTypeURL == nil,
            legacyWildcardDisabled: configuration.legacyWildcardDisabledTypes
        )
        var info = StreamInfo(
            id: core.id, method: stream.context.method, peer: stream.context.peer, isDelta: false, nodeID: ""
        )
        try runHook { try hooks.onStreamOpen?(info) }
        defer {
            core.close()
            if let node = core.nodeID { cache.removeWatcher(core, forNode: node) }
            hooks.onStreamClosed?(info)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let writerInfo = info
            group.addTask { try await self.writeSotW(core, to: stream, info: writerInfo) }
            let result: Result<Void, any Error>
            do {
                for try await bytes in stream.requests {
                    let request: SotWRequest
                    do {
                        request = try SotWRequest(wire: bytes)
                    } catch {
                        throw RPCError(code: .invalidArgument, message: "malformed DiscoveryRequest: \(error)")
                    }
                    let typeURL = fixedTypeURL ?? request.typeURL
                    guard !typeURL.isEmpty else {
                        throw RPCError(code: .invalidArgument, message: "type_url is required on ADS")
                    }
                    if let node = core.adoptNode(request.node) {
                        info.nodeID = node
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

    private func writeSotW(_ core: SotWStream, to stream: ServerStream, info: StreamInfo) async throws {
        var info = info
        while !core.isClosed {
            await core.wakeup.wait()
            while let out = core.nextOutbound(now: Self.now()) {
                let byteCount: Int
                if out.shared, let set = out.wholeSet {
                    let payload = encoder.sharedSotW(typeURL: out.typeURL, wholeSet: set, nonce: out.wireNonce)
                    byteCount = payload.count
                    try await stream.send(payload)
                } else {
                    let bytes = encoder.sotw(
                        typeURL: out.typeURL, version: out.version, nonce: out.wireNonce, resources: out.resources,
                        wholeSet: out.wholeSet
                    )
                    byteCount = bytes.count
                    try await stream.send(bytes)
                }
                if let node = core.nodeID { info.nodeID = node }
                hooks.onResponse?(info, ResponseEvent(
                    typeURL: out.typeURL, nonce: out.wireNonce, version: out.version,
                    resourceCount: out.resources.count, removedCount: 0, byteCount: byteCount
                ))
            }
        }
    }
}
