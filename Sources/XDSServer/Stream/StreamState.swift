import EnvoyAPI
import XDSCache

/// What a per-type state machine (SotW or delta) reports to status pages and CSDS.
protocol TypeStateReporting: Sendable {
    /// The ACK state of the type.
    var typeStatus: StreamStatus.TypeState { get }
    /// Every sent or explicitly subscribed name with its status, sorted by name.
    func statuses() -> [(name: String, entry: SentEntry?, status: ResourceSyncStatus)]
}

/// The state a SotW or delta stream keeps behind its lock: the node, the current snapshot, one
/// state machine per type, and which types are due for evaluation. The protocol-specific parts live
/// in `TypeState`.
struct StreamState<TypeState: TypeStateReporting>: Sendable {
    var nodeID: String?
    var node = Envoy_Config_Core_V3_Node()
    var snapshot: Snapshot?
    var sequence: UInt64 = 0
    var types: [String: TypeState] = [:]
    var dirty: Set<String> = []
    var nextNonce: UInt64 = 1
    var lastRequestTime: Double = 0
    var closed = false

    /// Records the node of the first request; returns its id if this call set it.
    mutating func adoptNode(_ node: Envoy_Config_Core_V3_Node?) -> String? {
        guard nodeID == nil else { return nil }
        if let node { self.node = node }
        nodeID = self.node.id
        return self.node.id
    }

    /// Takes a newer snapshot and marks the types whose version changed; returns whether any did.
    mutating func apply(_ snapshot: Snapshot?, sequence: UInt64) -> Bool {
        guard sequence >= self.sequence, !closed else { return false }
        let old = self.snapshot
        self.snapshot = snapshot
        self.sequence = sequence
        var changed = false
        for typeURL in types.keys {
            let before = old?.types[typeURL]?.version
            let after = snapshot?.types[typeURL]?.version
            if (old == nil) != (snapshot == nil) || before != after {
                dirty.insert(typeURL)
                changed = true
            }
        }
        return changed
    }

    /// Applies one request to the state of `typeURL` (made by `make` if new) and marks the type.
    mutating func receive(
        typeURL: String,
        now: Double,
        make: () -> TypeState,
        apply: (inout TypeState) -> RequestKind
    ) -> RequestKind {
        lastRequestTime = now
        var typeState = types[typeURL] ?? make()
        let kind = apply(&typeState)
        types[typeURL] = typeState
        dirty.insert(typeURL)
        return kind
    }

    /// Evaluates due types in push order until `plan` yields a response, which takes the returned
    /// nonce; nil when nothing is due. `plan` gets the type's state, its snapshot resources (nil
    /// without a snapshot) and the nonce a response would use.
    mutating func nextDue<Plan>(
        _ plan: (inout TypeState, TypeResources?, UInt64) -> Plan?
    ) -> (typeURL: String, nonce: UInt64, plan: Plan)? {
        guard !closed else { return nil }
        let ordered = dirty.sorted { (TypeURL.pushRank($0), $0) < (TypeURL.pushRank($1), $1) }
        for typeURL in ordered {
            dirty.remove(typeURL)
            guard var typeState = types[typeURL] else { continue }
            let resources = snapshot.map { $0.resources(typeURL) }
            let nonce = nextNonce
            let planned = plan(&typeState, resources, nonce)
            types[typeURL] = typeState
            guard let planned else { continue }
            nextNonce += 1
            return (typeURL, nonce, planned)
        }
        return nil
    }

    /// A read-only copy for CSDS and the admin endpoint.
    func status(streamID: UInt64, isDelta: Bool) -> StreamStatus {
        var resources: [StreamStatus.Resource] = []
        var typeStates: [StreamStatus.TypeState] = []
        for typeURL in types.keys.sorted() {
            typeStates.append(types[typeURL]!.typeStatus)
            let current = snapshot?.types[typeURL]
            for item in types[typeURL]!.statuses() {
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
            streamID: streamID,
            nodeID: nodeID ?? "",
            node: node,
            isDelta: isDelta,
            lastRequestTime: lastRequestTime,
            resources: resources,
            types: typeStates
        )
    }
}

extension SotWTypeState: TypeStateReporting {}
extension DeltaTypeState: TypeStateReporting {}
