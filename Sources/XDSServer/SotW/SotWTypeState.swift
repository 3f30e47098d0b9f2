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
        /// The set, when the response carries every resource of it (its encoding can be shared).
        var wholeSet: TypeResources?
    }

    let typeURL: String
    let fullState: Bool
    private(set) var subscription: SotWSubscription
    private(set) var sent: [String: SentEntry] = [:]
    /// The stream-internal sequence number of the last response (orders ACKs for CSDS).
    private(set) var lastSentNonce: UInt64?
    /// The nonce string the last response carried on the wire (what ACKs and NACKs echo).
    private(set) var lastSentWireNonce: String?
    /// The largest set id used in a shared nonce (`s<id>`) on this stream; shared nonces are only
    /// used for larger ids, so they never repeat on the stream.
    private var lastSharedSetID: UInt64 = 0
    private var ackedWireNonce: String?
    private var nackedWireNonce: String?
    private(set) var lastSentVersion = ""
    private(set) var lastSentTime: Double = 0
    /// The set `sent` was last reconciled with; while `synced`, `sent` holds exactly the covered
    /// names of it, at its versions, so the next set only needs the (shared, cached) diff.
    private var lastSet: TypeResources?
    private var synced = false
    /// Full-state types keep no per-name map: the client holds the covered names of the set last
    /// sent (every response carries all of them), minus names unsubscribed since then.
    private var lastSentSet: TypeResources?
    private var unsubscribedSinceSend: Set<String> = []
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
        receive(
            namesKey: SotWRequest.namesKey(of: names).value, noNames: names.isEmpty, names: { names },
            nonce: nonce, errorMessage: errorMessage, versionInfo: versionInfo, now: now
        )
    }

    /// Applies a parsed request and says what kind it is.
    mutating func receive(_ request: SotWRequest, now: Double) -> RequestKind {
        receive(
            namesKey: request.namesKey.value, noNames: request.hasNoNames, names: { request.names },
            nonce: request.responseNonce, errorMessage: request.errorMessage, versionInfo: request.versionInfo,
            now: now
        )
    }

    private mutating func receive(
        namesKey: UInt64,
        noNames: Bool,
        names: () -> [String],
        nonce: String,
        errorMessage: String?,
        versionInfo: String,
        now: Double
    ) -> RequestKind {
        requestCount += 1
        let kind: RequestKind
        if lastSentNonce == nil {
            kind = .initial
        } else if nonce != lastSentWireNonce {
            kind = .stale
        } else if let errorMessage {
            kind = .nack(message: errorMessage)
            lastNack = NackRecord(nonce: lastSentNonce!, message: errorMessage, versionInfo: versionInfo, time: now)
            nackedWireNonce = lastSentWireNonce
        } else {
            kind = .ack
            ackedNonce = lastSentNonce
            ackedWireNonce = lastSentWireNonce
            ackedVersion = lastSentVersion
        }
        let previous = subscription
        if subscription.update(key: namesKey, isEmpty: noNames, names) {
            synced = false
            if fullState {
                for name in lastSentSet?.sortedNames ?? [] where previous.covers(name) && !subscription.covers(name) {
                    unsubscribedSinceSend.insert(name)
                }
            } else {
                sent = sent.filter { subscription.covers($0.key) }
            }
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
    ///
    /// Fast path: when nothing but the set changed since the last decision, the work is the size of
    /// the diff between the two sets (computed once and shared by all streams), not of the set.
    mutating func plan(_ resources: TypeResources?, nonce: UInt64, now: Double) -> Plan? {
        defer { forceReady = false }
        guard let resources else { return nil }
        let forcedHits = forceReady && !forced.isEmpty
            ? forced.sorted().compactMap { subscription.covers($0) ? resources[$0] : nil }
            : []
        guard synced, let last = lastSet, lastSentNonce != nil else {
            return fullPlan(resources, forcedHits: forcedHits, nonce: nonce, now: now)
        }
        if last.id == resources.id && forcedHits.isEmpty { return nil }
        let diff = resources.diff(from: last)
        lastSet = resources
        for name in diff.removed { sent[name] = nil }
        var changed: [PreparedResource] = []
        for resource in diff.added where subscription.covers(resource.name) { changed.append(resource) }
        for resource in diff.changed where subscription.covers(resource.name) { changed.append(resource) }
        let toSend: [PreparedResource]
        if fullState {
            let removedCovered = diff.removed.contains { subscription.covers($0) }
            guard !changed.isEmpty || removedCovered || !forcedHits.isEmpty else { return nil }
            toSend = subscription.wildcard ? resources.sorted : subscription.names.sorted().compactMap { resources[$0] }
        } else {
            var byName: [String: PreparedResource] = [:]
            for resource in changed + forcedHits { byName[resource.name] = resource }
            guard !byName.isEmpty else { return nil }
            toSend = byName.keys.sorted().map { byName[$0]! }
        }
        record(fullState ? forcedHits : toSend, in: resources, nonce: nonce, now: now)
        return Plan(
            resources: toSend, changed: changed, version: resources.version,
            wholeSet: toSend.count == resources.count ? resources : nil
        )
    }

    /// The general decision, linear in the set: after a subscription change or the first time.
    private mutating func fullPlan(
        _ resources: TypeResources,
        forcedHits: [PreparedResource],
        nonce: UInt64,
        now: Double
    ) -> Plan? {
        lastSet = resources
        synced = true
        let covered = subscription.wildcard
            ? resources.sorted : subscription.coveredNames(in: resources.sortedNames).map { resources[$0]! }
        if fullState {
            let held = lastSentSet
            let changed = covered.filter {
                held?[$0.name]?.version != $0.version || unsubscribedSinceSend.contains($0.name)
            }
            let deleted = held?.sortedNames.contains {
                resources[$0] == nil && subscription.covers($0) && !unsubscribedSinceSend.contains($0)
            } ?? false
            guard lastSentNonce == nil || !changed.isEmpty || deleted || !forcedHits.isEmpty else { return nil }
            record(forcedHits, in: resources, nonce: nonce, now: now)
            return Plan(
                resources: covered, changed: changed, version: resources.version,
                wholeSet: covered.count == resources.count ? resources : nil
            )
        }
        if sent.keys.contains(where: { resources[$0] == nil }) {
            sent = sent.filter { resources[$0.key] != nil }
        }
        let changed = covered.filter { sent[$0.name]?.version != $0.version }
        let forcedNames = Set(forcedHits.map(\.name))
        let toSend = covered.filter { sent[$0.name]?.version != $0.version || forcedNames.contains($0.name) }
        guard !toSend.isEmpty else { return nil }
        record(toSend, in: resources, nonce: nonce, now: now)
        return Plan(
            resources: toSend, changed: changed, version: resources.version,
            wholeSet: toSend.count == resources.count ? resources : nil
        )
    }

    /// Records a response built from `resources`; `updated` are the resources of a partial
    /// (non-full-state) response, whose per-name entries change.
    private mutating func record(_ updated: [PreparedResource], in resources: TypeResources, nonce: UInt64, now: Double) {
        if fullState {
            lastSentSet = resources
            unsubscribedSinceSend.removeAll()
            for resource in updated { forced.remove(resource.name) }
        } else {
            for resource in updated {
                sent[resource.name] = SentEntry(
                    version: resource.version, responseVersion: resources.version, nonce: nonce, time: now
                )
                forced.remove(resource.name)
            }
        }
        lastSentNonce = nonce
        lastSentWireNonce = String(nonce)
        lastSentVersion = resources.version
        lastSentTime = now
    }

    /// Chooses the nonce string of the response just planned: `s<set id>` when it carries a whole
    /// set whose id is newer than any shared before on this stream (so its encoding, nonce included,
    /// can be shared by every stream), else the sequence number.
    mutating func chooseWireNonce(for plan: Plan) -> (nonce: String, shared: Bool) {
        if let set = plan.wholeSet, set.id > lastSharedSetID {
            lastSharedSetID = set.id
            lastSentWireNonce = "s\(set.id)"
            return (lastSentWireNonce!, true)
        }
        return (lastSentWireNonce ?? "", false)
    }

    /// The ACK state, for status pages.
    var typeStatus: StreamStatus.TypeState {
        StreamStatus.TypeState(
            typeURL: typeURL,
            lastSentNonce: lastSentWireNonce,
            lastSentVersion: lastSentVersion,
            ackedNonce: ackedWireNonce,
            ackedVersion: ackedVersion,
            nackedNonce: nackedWireNonce,
            nackMessage: lastNack?.message,
            nackTime: lastNack?.time,
            requestCount: requestCount
        )
    }

    /// What the client is believed to hold, by name.
    var held: [String: SentEntry] {
        guard fullState else { return sent }
        guard let set = lastSentSet, let nonce = lastSentNonce else { return [:] }
        var held: [String: SentEntry] = [:]
        for resource in set.sorted where subscription.covers(resource.name) && !unsubscribedSinceSend.contains(resource.name) {
            held[resource.name] = SentEntry(
                version: resource.version, responseVersion: lastSentVersion, nonce: nonce, time: lastSentTime
            )
        }
        return held
    }

    /// The CSDS view: every sent or explicitly subscribed name with its status.
    func statuses() -> [(name: String, entry: SentEntry?, status: ResourceSyncStatus)] {
        let held = self.held
        var result = held.map { name, entry in
            (name: name, entry: Optional(entry), status: entry.status(ackedNonce: ackedNonce, lastNack: lastNack))
        }
        for name in subscription.names where held[name] == nil {
            result.append((name: name, entry: nil, status: .notSent))
        }
        return result.sorted { $0.name < $1.name }
    }
}
