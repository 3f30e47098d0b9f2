package import Admin
import EnvoyAPI
import SwiftProtobuf
package import XDSServer

extension XDSServer: SyncStatusProvider {
    /// One row per open stream, from the same per-type state CSDS reports.
    package func syncStatuses() -> [ProxySyncStatus] {
        streamStatuses().map { status in
            var version = ""
            if case .stringValue(let v)? = status.node.metadata.fields["ISTIO_VERSION"]?.kind { version = v }
            return ProxySyncStatus(
                nodeID: status.nodeID, streamID: status.streamID, kind: status.isDelta ? .delta : .sotw, proxyVersion: version,
                types: status.types.sorted { $0.typeURL < $1.typeURL }.map { type in
                    ProxySyncStatus.TypeStatus(
                        typeURL: type.typeURL, sentVersion: type.lastSentVersion, sentNonce: type.lastSentNonce,
                        ackedVersion: type.ackedVersion, ackedNonce: type.ackedNonce,
                        nackMessage: type.nackMessage, nackNonce: type.nackedNonce
                    )
                }
            )
        }
    }
}
