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
    /// What the client holds, without a per-name map: every name of `heldSet` that `heldCoverage`
    /// covers, at `heldSet`'s version, except the names in `unheld` (unsubscribed since). After every
    /// decision the client holds exactly the covered part of the set decided on, so this is exact;
    /// the set is shared with every other stream that was sent it.
    private var heldSet: TypeResources?
    private var heldCoverage: SotWSubscription?
    private var unheld: Set<String> = []
    /// Whether the subscription is unchanged since `heldSet` was decided on, so the next set only
    /// needs the (shared, cached) diff from it.
    private var synced = false
    /// When the held names were sent (for CSDS).
    private var sentRecords = SentRecords()
    private(set) var ackedNonce: UInt64?
    private(set) var ackedVersion = ""
    private(set) var lastNack: NackRecord?
    /// Names to send again on the next non-stale request even if unchanged (EDS warming).
    private(set) var forced: Set<String> = []
    private var forceReady = false
    /// How many requests of this type arrived.
    private(set) var requestCount = 0
    /// The `version_info` of the requests before the first decision: a reconnecting client (Envoy)
    /// names the last version it accepted, so an unchanged wildcard set need not be sent again.
    private var resumedVersion = ""
    /// Whether the first decision found the client already holding the set (see `resume`).
    private var resumed = false
    /// Whether the client holds a set this stream knows of: one sent on it, or one it resumed with.
    private var hasDecided: Bool { lastSentNonce != nil || resumed }

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
            namesKey: NamesKey(names).value, noNames: names.isEmpty, names: { names },
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
        if subscription.update(key: namesKey, isEmpty: noNames, names) {
            synced = false
            for name in heldNames() where !subscription.covers(name) { unheld.insert(name) }
        }
        if kind != .stale { forceReady = true }
        if !hasDecided { resumedVersion = versionInfo }
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
        if !hasDecided && forcedHits.isEmpty && resume(resources, now: now) { return nil }
        guard synced, let last = heldSet, hasDecided else {
            return fullPlan(resources, forcedHits: forcedHits, nonce: nonce, now: now)
        }
        if last.id == resources.id && forcedHits.isEmpty { return nil }
        let diff = resources.diff(from: last)
        var changed: [PreparedResource] = []
        for resource in diff.added where subscription.covers(resource.name) { changed.append(resource) }
        for resource in diff.changed where subscription.covers(resource.name) { changed.append(resource) }
        let toSend: [PreparedResource]
        if fullState {
            let removedCovered = diff.removed.contains { subscription.covers($0) }
            guard !changed.isEmpty || removedCovered || !forcedHits.isEmpty else {
                hold(resources)
                return nil
            }
            toSend = subscription.wildcard ? resources.sorted : subscription.names.sorted().compactMap { resources[$0] }
        } else {
            var byName: [String: PreparedResource] = [:]
            for resource in changed + forcedHits { byName[resource.name] = resource }
            guard !byName.isEmpty else {
                hold(resources)
                return nil
            }
            toSend = byName.keys.sorted().map { byName[$0]! }
        }
        record(toSend, carriesAllHeld: fullState, in: resources, nonce: nonce, now: now)
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
        let covered = subscription.wildcard
            ? resources.sorted : subscription.coveredNames(in: resources.sortedNames).map { resources[$0]! }
        let changed = covered.filter { heldVersion($0.name) != $0.version }
        if fullState {
            let deleted = heldNames().contains { resources[$0] == nil && subscription.covers($0) }
            guard !hasDecided || !changed.isEmpty || deleted || !forcedHits.isEmpty else {
                hold(resources)
                return nil
            }
            record(covered, carriesAllHeld: true, in: resources, nonce: nonce, now: now)
            return Plan(
                resources: covered, changed: changed, version: resources.version,
                wholeSet: covered.count == resources.count ? resources : nil
            )
        }
        let forcedNames = Set(forcedHits.map(\.name))
        let toSend = covered.filter { heldVersion($0.name) != $0.version || forcedNames.contains($0.name) }
        guard !toSend.isEmpty else {
            hold(resources)
            return nil
        }
        record(toSend, carriesAllHeld: toSend.count == covered.count, in: resources, nonce: nonce, now: now)
        return Plan(
            resources: toSend, changed: changed, version: resources.version,
            wholeSet: toSend.count == resources.count ? resources : nil
        )
    }

    /// Takes a reconnecting client at its word when it names the current version of a wildcard
    /// full-state set: it accepted exactly this set (from a previous server or stream), so nothing
    /// is sent until the set changes. Only wildcard full-state types qualify: a SotW version names
    /// the whole set, not which of its names a client with an explicit subscription received, so
    /// those (and EDS/RDS) are sent again, as istiod and go-control-plane do.
    private mutating func resume(_ resources: TypeResources, now: Double) -> Bool {
        guard fullState, subscription.wildcard, !resumedVersion.isEmpty, resumedVersion == resources.version else {
            return false
        }
        resumed = true
        // Nonce 0 precedes every nonce of this stream: held from before it, and accepted.
        sentRecords.record(resources.sortedNames, carriesAllHeld: true, nonce: 0, responseVersion: resources.version, time: now)
        ackedNonce = 0
        ackedVersion = resources.version
        hold(resources)
        return true
    }

    /// Notes that the client holds the covered part of `resources` (nothing needed sending).
    private mutating func hold(_ resources: TypeResources) {
        heldSet = resources
        heldCoverage = subscription
        unheld.removeAll()
        synced = true
    }

    /// Records a response built from `resources` carrying `sent`; `carriesAllHeld` when it carries
    /// every covered resource (then it is the one response every held name was last sent in).
    private mutating func record(
        _ sent: [PreparedResource], carriesAllHeld: Bool, in resources: TypeResources, nonce: UInt64, now: Double
    ) {
        sentRecords.record(sent.lazy.map(\.name), carriesAllHeld: carriesAllHeld, nonce: nonce, responseVersion: resources.version, time: now)
        if !forced.isEmpty { for resource in sent { forced.remove(resource.name) } }  // hashing every name costs on every push
        hold(resources)
        lastSentNonce = nonce
        lastSentWireNonce = String(nonce)
        lastSentVersion = resources.version
        lastSentTime = now
    }

    /// The version of `name` the client holds, if any.
    private func heldVersion(_ name: String) -> String? {
        guard let set = heldSet, heldCoverage?.covers(name) == true, !unheld.contains(name) else { return nil }
        return set[name]?.version
    }

    /// Every name the client holds.
    private func heldNames() -> [String] {
        guard let set = heldSet, let coverage = heldCoverage else { return [] }
        return coverage.coveredNames(in: set.sortedNames).filter { !unheld.contains($0) }
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

    /// What the client is believed to hold, by name (built on demand, for status pages).
    var held: [String: SentEntry] {
        guard let set = heldSet else { return [:] }
        var held: [String: SentEntry] = [:]
        for name in heldNames() {
            guard let resource = set[name], let entry = sentRecords.entry(for: resource) else { continue }
            held[name] = entry
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
