internal import XDSCache

/// The SotW state machine for one type URL on one stream: subscription, what was sent, ACK/NACK.
///
/// It does no I/O. `receive` classifies a request (initial, ACK, NACK, stale) and updates the
/// subscription; `plan` decides what, if anything, to send next from the current resources and
/// records it as sent (the client is assumed to hold what was sent, ACKed or not, so a NACK never
/// causes a resend of the rejected version).
struct SotWTypeState: Sendable {
    /// What `plan` decided to send.
    struct Plan: Sendable {
        /// The resources of the response, sorted by name.
        var resources: [PreparedResource]
        /// The resources whose version differs from what was sent before (new or changed).
        var changed: [PreparedResource]
        /// The response `version_info`.
        var version: String
    }

    let typeURL: String
    let fullState: Bool
    private(set) var subscription: SotWSubscription
    private(set) var sent: [String: SentEntry] = [:]
    private(set) var lastSentNonce: UInt64?
    private(set) var lastSentVersion = ""
    private(set) var ackedNonce: UInt64?
    private(set) var ackedVersion = ""
    private(set) var lastNack: NackRecord?
    /// Names to send again on the next non-stale request even if unchanged (EDS warming).
    private(set) var forced: Set<String> = []
    private var forceReady = false
    /// How many requests of this type arrived.
    private(set) var requestCount = 0

    init(typeURL: String, legacyWildcard: Bool) {
        self.typeURL = typeURL
        self.fullState = TypeURL.isFullState(typeURL)
        self.subscription = SotWSubscription(legacyWildcard: legacyWildcard)
    }

    /// Applies a request and says what kind it is.
    mutating func receive(
        names: [String],
        nonce: String,
        errorMessage: String?,
        versionInfo: String,
        now: Double
    ) -> RequestKind {
        requestCount += 1
        let kind: RequestKind
        if lastSentNonce == nil {
            kind = .initial
        } else if UInt64(nonce) != lastSentNonce {
            kind = .stale
        } else if let errorMessage {
            kind = .nack(message: errorMessage)
            lastNack = NackRecord(nonce: lastSentNonce!, message: errorMessage, versionInfo: versionInfo, time: now)
        } else {
            kind = .ack
            ackedNonce = lastSentNonce
            ackedVersion = lastSentVersion
        }
        if subscription.update(names) {
            sent = sent.filter { subscription.covers($0.key) }
        }
        if kind != .stale { forceReady = true }
        return kind
    }

    /// Marks `name` to be sent again on the next request even if unchanged (a cluster that needs
    /// its assignment to finish warming).
    mutating func force(_ name: String) {
        forced.insert(name)
    }

    /// Decides the next response from `resources` (nil: no snapshot yet, so hold), and records it
    /// as sent with `nonce`. Returns nil when nothing needs sending.
    mutating func plan(_ resources: TypeResources?, nonce: UInt64, now: Double) -> Plan? {
        defer { forceReady = false }
        guard let resources else { return nil }
        let deleted = sent.keys.contains { resources[$0] == nil || !subscription.covers($0) }
        if deleted {
            sent = sent.filter { resources[$0.key] != nil }
        }
        let covered = subscription.coveredNames(in: resources.sortedNames).map { resources[$0]! }
        let changed = covered.filter { sent[$0.name]?.version != $0.version }
        let toSend: [PreparedResource]
        if fullState {
            let forcedHit = forceReady && covered.contains { forced.contains($0.name) }
            guard lastSentNonce == nil || !changed.isEmpty || deleted || forcedHit else { return nil }
            toSend = covered
            sent = [:]
        } else {
            toSend = covered.filter { sent[$0.name]?.version != $0.version || (forceReady && forced.contains($0.name)) }
            guard !toSend.isEmpty else { return nil }
        }
        for resource in toSend {
            sent[resource.name] = SentEntry(version: resource.version, responseVersion: resources.version, nonce: nonce, time: now)
            forced.remove(resource.name)
        }
        lastSentNonce = nonce
        lastSentVersion = resources.version
        return Plan(resources: toSend, changed: changed, version: resources.version)
    }

    /// The CSDS view: every sent or explicitly subscribed name with its status.
    func statuses() -> [(name: String, entry: SentEntry?, status: ResourceSyncStatus)] {
        var result = sent.map { (name: $0.key, entry: Optional($0.value), status: $0.value.status(ackedNonce: ackedNonce, lastNack: lastNack)) }
        for name in subscription.names where sent[name] == nil {
            result.append((name: name, entry: nil, status: .notSent))
        }
        return result.sorted { $0.name < $1.name }
    }
}
