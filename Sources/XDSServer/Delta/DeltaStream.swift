package import EnvoyAPI
import Synchronization
package import XDSCache

/// One delta stream (ADS or per-type): per-type delta state machines behind a lock, and the signal
/// that wakes its writer. Like `SotWStream`, responses are computed when the writer is ready.
package final class DeltaStream: SnapshotWatcher, StreamStatusProviding, Sendable {
    /// A response ready to encode and send.
    package struct Outbound: Sendable {
        package var typeURL: String
        package var nonce: UInt64
        package var version: String
        package var resources: [PreparedResource]
        package var removed: [String]
        package var wholeSet: TypeResources?
        /// The nonce on the wire.
        package var wireNonce: String
        /// Whether the encoding (with `wireNonce`) is the one shared by all streams for `wholeSet`.
        package var shared: Bool
    }

    package let id: UInt64
    package let isADS: Bool
    let wakeup = Wakeup()
    private let legacyWildcardDisabled: Set<String>
    private let state = Mutex(StreamState<DeltaTypeState>())

    package init(id: UInt64, isADS: Bool, legacyWildcardDisabled: Set<String>) {
        self.id = id
        self.isADS = isADS
        self.legacyWildcardDisabled = legacyWildcardDisabled
    }

    /// Records the node of the first request; returns its id if this call set it.
    package func adoptNode(_ node: Envoy_Config_Core_V3_Node?) -> String? {
        state.withLock { $0.adoptNode(node) }
    }

    /// The node id, once known.
    package var nodeID: String? { state.withLock { $0.nodeID } }

    package func snapshotDidChange(_ snapshot: Snapshot?, sequence: UInt64) {
        let changed = state.withLock { $0.apply(snapshot, sequence: sequence) }
        if changed { wakeup.signal() }
    }

    /// Applies one request for `typeURL` and marks the type for evaluation.
    package func receive(
        _ request: Envoy_Service_Discovery_V3_DeltaDiscoveryRequest,
        typeURL: String,
        now: Double
    ) -> RequestKind {
        let kind = state.withLock { state in
            state.receive(typeURL: typeURL, now: now) {
                DeltaTypeState(typeURL: typeURL, legacyWildcard: !legacyWildcardDisabled.contains(typeURL))
            } apply: { typeState in
                typeState.receive(
                    subscribe: request.resourceNamesSubscribe,
                    unsubscribe: request.resourceNamesUnsubscribe,
                    initialVersions: request.initialResourceVersions,
                    nonce: request.responseNonce,
                    errorMessage: request.hasErrorDetail ? request.errorDetail.message : nil,
                    now: now
                )
            }
        }
        wakeup.signal()
        return kind
    }

    /// The next response to send, in push order; nil when nothing is due.
    package func nextOutbound(now: Double) -> Outbound? {
        state.withLock { state -> Outbound? in
            let due = state.nextDue { typeState, resources, nonce in
                typeState.plan(resources, nonce: nonce, now: now).map { plan in
                    (plan: plan, wire: typeState.chooseWireNonce(for: plan))
                }
            }
            guard let (typeURL, nonce, (plan, wire)) = due else { return nil }
            return Outbound(
                typeURL: typeURL, nonce: nonce, version: plan.version, resources: plan.resources, removed: plan.removed,
                wholeSet: plan.wholeSet, wireNonce: wire.nonce, shared: wire.shared
            )
        }
    }

    /// Stops producing responses and wakes the writer so it can return.
    package func close() {
        state.withLock { $0.closed = true }
        wakeup.signal()
    }

    /// Whether `close()` was called.
    package var isClosed: Bool { state.withLock { $0.closed } }

    package func status() -> StreamStatus {
        state.withLock { $0.status(streamID: id, isDelta: true) }
    }
}
