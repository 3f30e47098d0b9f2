package import EnvoyAPI
import Synchronization
package import XDSCache

/// One SotW stream (ADS or per-type): its state machines behind a lock, and the signal that wakes
/// its writer. Responses are computed lazily when the writer is ready, so a newer request or snapshot
/// supersedes anything not yet sent for a type, and the per-stream backlog is at most one pending
/// evaluation per type.
package final class SotWStream: SnapshotWatcher, StreamStatusProviding, Sendable {
    /// A response ready to encode and send.
    package struct Outbound: Sendable {
        package var typeURL: String
        package var nonce: UInt64
        package var version: String
        package var resources: [PreparedResource]
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
    private let state = Mutex(StreamState<SotWTypeState>())

    package init(id: UInt64, isADS: Bool, legacyWildcardDisabled: Set<String>) {
        self.id = id
        self.isADS = isADS
        self.legacyWildcardDisabled = legacyWildcardDisabled
    }

    /// The node id, once known.
    package var nodeID: String? { state.withLock { $0.nodeID } }

    /// Records the node of the first request; returns its id if this call set it.
    package func adoptNode(_ node: Envoy_Config_Core_V3_Node?) -> String? {
        state.withLock { $0.adoptNode(node) }
    }

    package func snapshotDidChange(_ snapshot: Snapshot?, sequence: UInt64) {
        let changed = state.withLock { $0.apply(snapshot, sequence: sequence) }
        if changed { wakeup.signal() }
    }

    /// Applies one request for `typeURL` and marks the type for evaluation.
    package func receive(_ request: Envoy_Service_Discovery_V3_DiscoveryRequest, typeURL: String, now: Double) -> RequestKind {
        receive(SotWRequest(request), typeURL: typeURL, now: now)
    }

    /// Applies one parsed request for `typeURL` and marks the type for evaluation.
    func receive(_ request: SotWRequest, typeURL: String, now: Double) -> RequestKind {
        let kind = state.withLock { state in
            state.receive(typeURL: typeURL, now: now) {
                SotWTypeState(typeURL: typeURL, legacyWildcard: !legacyWildcardDisabled.contains(typeURL))
            } apply: { typeState in
                typeState.receive(request, now: now)
            }
        }
        wakeup.signal()
        return kind
    }

    /// The next response to send, in CDS, EDS, LDS, RDS order; nil when nothing is due.
    package func nextOutbound(now: Double) -> Outbound? {
        state.withLock { state -> Outbound? in
            let due = state.nextDue { typeState, resources, nonce in
                typeState.plan(resources, nonce: nonce, now: now).map { plan in
                    (plan: plan, wire: typeState.chooseWireNonce(for: plan))
                }
            }
            guard let (typeURL, nonce, (plan, wire)) = due else { return nil }
            if isADS && typeURL == TypeURL.cluster, var endpoints = state.types[TypeURL.endpoint] {
                for cluster in plan.changed {
                    if let service = cluster.edsServiceName { endpoints.force(service) }
                }
                state.types[TypeURL.endpoint] = endpoints
            }
            return Outbound(
                typeURL: typeURL, nonce: nonce, version: plan.version, resources: plan.resources,
                wholeSet: plan.wholeSet, wireNonce: wire.nonce, shared: wire.shared
            )
        }
    }

    /// Stops producing responses (the stream is ending) and wakes the writer so it can return.
    package func close() {
        state.withLock { $0.closed = true }
        wakeup.signal()
    }

    /// Whether `close()` was called.
    package var isClosed: Bool { state.withLock { $0.closed } }

    package func status() -> StreamStatus {
        state.withLock { $0.status(streamID: id, isDelta: false) }
    }
}
