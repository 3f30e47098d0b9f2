import Admin
import Synchronization
import XDSCache

struct FakeSyncStatus: SyncStatusProvider {
    var rows: [ProxySyncStatus]
    func syncStatuses() -> [ProxySyncStatus] { rows }
}

struct FakeConfigStore: ConfigStoreReporting {
    var report: ConfigStoreReport
    func configStoreReport() -> ConfigStoreReport { report }
}

final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

enum Sample {
    static let node = "sidecar~10.0.0.1~app-1.demo~demo.svc.cluster.local"
    static let cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    static let lds = "type.googleapis.com/envoy.config.listener.v3.Listener"

    static var rows: [ProxySyncStatus] {
        [
            ProxySyncStatus(nodeID: node, streamID: 7, kind: .sotw, types: [
                .init(typeURL: cds, sentVersion: "abc123", sentNonce: "2", ackedVersion: "abc123", ackedNonce: "2"),
                .init(typeURL: lds, sentVersion: "def456", sentNonce: "3", ackedVersion: "", ackedNonce: nil,
                      nackMessage: "listener rejected: bad filter", nackNonce: "3"),
            ]),
            ProxySyncStatus(nodeID: "sidecar~10.0.0.2~b.demo~demo.svc.cluster.local", streamID: 8, kind: .delta, types: []),
        ]
    }
}
