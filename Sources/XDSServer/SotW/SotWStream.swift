import EnvoyAPI
import Synchronization
import XDSCache

/// One SotW stream (ADS or per-type): its state machines behind a lock, and the signal that wakes
/// its writer. Responses are computed lazily when the writer is ready, so a newer request or snapshot
/// supersedes anything not yet sent for a type, and the per-stream backlog is at most one pending
/// evaluation per type.
final class SotWStream: SnapshotWatcher, StreamStatusProviding, Sendable {
    /// A response ready to encode and send.
    struct Outbound: Sendable {
        var typeURL: String
        var nonce: UInt64
        var version: String
        var resources: [PreparedResource]
        var wholeSet: TypeResources?
        /// The nonce on the wire.
        var wireNonce: String
        /// Whether the encoding (with `wireNonce`) is the one shared by all streams for `wholeSet`.
        var shared: Bool
    }

    private struct State {
        var nodeID: String?
        var node = Envoy_Config_Core_V3_Node()
        var snapshot: Snapshot?
        var sequence: UInt64 = 0
        var types: [String: SotWTypeState] = [:]
        var dirty: Set<String> = []
        var nextNonce: UInt64 = 1
        var lastRequestTime: Double = 0
        var closed = false
    }

    let id: UInt64
    let isADS: Bool
    let wakeup = Wakeup()
    private let legacyWildcardDisabled: Set<String>
    private let state = Mutex(State())

    init(id: UInt64, isADS: Bool, legacyWildcardDisabled: Set<String>) {
        self.id = id
        self.isADS = isADS
        self.legacyWildcardDisabled = legacyWildcardDisabled
    }

    /// The node id, once known.
    var nodeID: String? { state.withLock { $0.nodeID } }

    /// Records the node of the first request; returns its id if this call set it.
    func adoptNode(_ node: Envoy_Config_Core_V3_Node?) -> String? {
        state.withLock { state in
            guard state.nodeID == nil else { return nil }
            if let node { state.node = node }
            state.nodeID = state.node.id
            return state.node.id
        }
    }

    func snapshotDidChange(_ snapshot: Snapshot?, sequence: UInt64) {
        let changed = state.withLock { state -> Bool in
            guard sequence >= state.sequence, !state.closed else { return false }
            let old = state.snapshot
            state.snapshot = snapshot
            state.sequence = sequence
            var changed = false
            for typeURL in state.types.keys {
                let before = old?.types[typeURL]?.version
                let after = snapshot?.types[typeURL]?.version
                if (old == nil) != (snapshot == nil) || before != after {
                    state.dirty.insert(typeURL)
                    changed = true
                }
            }
            return changed
        }
        if changed { wakeup.signal() }
    }

    /// Applies one request for `typeURL` and marks the type for evaluation.
    func receive(_ request: Envoy_Service_Discovery_V3_DiscoveryRequest, typeURL: String, now: Double) -> RequestKind {
        receive(SotWRequest(request), typeURL: typeURL, now: now)
    }

    /// Applies one parsed request for `typeURL` and marks the type for evaluation.
    func receive(_ request: SotWRequest, typeURL: String, now: Double) -> RequestKind {
        let kind = state.withLock { state -> RequestKind in
            state.lastRequestTime = now
            var typeState = state.types[typeURL]
                ?? SotWTypeState(typeURL: typeURL, legacyWildcard: !legacyWildcardDisabled.contains(typeURL))
            let kind = typeState.receive(request, now: now)
            state.types[typeURL] = typeState
            state.dirty.insert(typeURL)
            return kind
        }
        wakeup.signal()
        return kind
    }

    /// The next response to send, in CDS, EDS, LDS, RDS order; nil when nothing is due.
    func nextOutbound(now: Double) -> Outbound? {
        state.withLock { state -> Outbound? in
            guard !state.closed else { return nil }
            let ordered = state.dirty.sorted { (TypeURL.pushRank($0), $0) < (TypeURL.pushRank($1), $1) }
            for typeURL in ordered {
                state.dirty.remove(typeURL)
                guard var typeState = state.types[typeURL] else { continue }
                let resources = state.snapshot.map { $0.resources(typeURL) }
                let nonce = state.nextNonce
                let plan = typeState.plan(resources, nonce: nonce, now: now)
                let wire = plan.map { typeState.chooseWireNonce(for: $0) }
                state.types[typeURL] = typeState
                guard let plan, let wire else { continue }
                state.nextNonce += 1
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
            return nil
        }
    }

    /// Stops producing responses (the stream is ending) and wakes the writer so it can return.
    func close() {
        state.withLock { $0.closed = true }
        wakeup.signal()
    }

    /// Whether `close()` was called.
    var isClosed: Bool { state.withLock { $0.closed } }

    func status() -> StreamStatus {
        state.withLock { state in
            var resources: [StreamStatus.Resource] = []
            var types: [StreamStatus.TypeState] = []
            for typeURL in state.types.keys.sorted() {
                types.append(state.types[typeURL]!.typeStatus)
                let current = state.snapshot?.types[typeURL]
                for item in state.types[typeURL]!.statuses() {
                    let prepared = current?[item.name]
                    resources.append(StreamStatus.Resource(
                        typeURL: typeURL,
                        name: item.name,
                        status: item.status,
                        responseVersion: item.entry?.responseVersion ?? "",
                        time: item.entry?.time ?? 0,
                        sentResource: prepared?.version == item.entry?.version ? prepared : nil
                    ))
                }
            }
            return StreamStatus(
                streamID: id,
                nodeID: state.nodeID ?? "",
                node: state.node,
                isDelta: false,
                lastRequestTime: state.lastRequestTime,
                resources: resources,
                types: types
            )
        }
    }
}
