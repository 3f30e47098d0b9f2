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
        return try await runStream(stream, core: core, isDelta: false, fixedTypeURL: fixedTypeURL) { info in
            try await self.writeSotW(core, to: stream, info: info)
        }
    }

    private func writeSotW(_ core: SotWStream, to stream: ServerStream, info: StreamInfo) async throws {
        var info = info
        while !core.isClosed {
            guard await core.wakeup.wait() else { return }  // cancelled: the reader ends the stream
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
