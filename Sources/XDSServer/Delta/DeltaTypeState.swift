internal import XDSCache

/// The delta (incremental) state machine for one type URL on one stream.
///
/// It tracks the subscription (names, wildcard, legacy wildcard), the version of every resource the
/// client is believed to hold (updated when a response is built, so a NACK never causes a resend of
/// the rejected version), and ACK/NACK state. Subscription changes apply even with a stale nonce.
struct DeltaTypeState: Sendable {
    /// What `plan` decided to send.
    struct Plan: Sendable {
        /// Changed or newly subscribed resources, sorted by name.
        var resources: [PreparedResource]
        /// Names the client must drop (deleted, out of scope, or subscribed but missing).
        var removed: [String]
        /// The `system_version_info` (the type set's content version).
        var version: String
        /// The set, when the response carries every resource of it and removes nothing (its
        /// encoding can then be shared by every stream sent the same set).
        var wholeSet: TypeResources?
    }

    /// How the client's copy of one resource differs from the held set.
    private enum Override: Sendable, Equatable {
        /// The client holds this version (from `initial_resource_versions`; "" forces a resend).
        case version(String)
        /// The client does not hold it.
        case notHeld
    }

    let typeURL: String
    private let legacyWildcardAllowed: Bool
    private(set) var wildcard = false
    /// The explicitly subscribed names, shared with streams subscribed to the same ones.
    private var subscribed: SharedNameSet?
    /// What the client holds, without a per-name map: the names of `heldSet` that were covered when
    /// it was decided on (`heldWildcard`, `heldNames`), at its versions, except `overrides`. After
    /// every decision the client holds exactly the covered part of the set, so `overrides` only
    /// lists what requests changed since.
    private var heldSet: TypeResources?
    private var heldWildcard = false
    private var heldNames: SharedNameSet?
    private var overrides: [String: Override] = [:]
    /// When the held names were sent (for CSDS).
    private var sentRecords = SentRecords()
    private var reportedMissing: Set<String> = []
    private var needsInitialResponse = false
    private(set) var started = false
    private(set) var lastSentNonce: UInt64?
    /// The nonce string the last response carried on the wire (what ACKs and NACKs echo).
    private(set) var lastSentWireNonce: String?
    /// The largest set id used in a shared nonce (`s<id>`) on this stream (see `chooseWireNonce`).
    private var lastSharedSetID: UInt64 = 0
    private var ackedWireNonce: String?
    private var nackedWireNonce: String?
    private(set) var ackedNonce: UInt64?
    private(set) var lastNack: NackRecord?
    private(set) var lastSentVersion = ""
    private(set) var ackedVersion = ""
    private(set) var requestCount = 0

    init(typeURL: String, legacyWildcard: Bool) {
        self.typeURL = typeURL
        self.legacyWildcardAllowed = legacyWildcard
    }

    /// The explicitly subscribed names.
    var names: Set<String> { subscribed?.names ?? [] }

    /// Applies a request: subscription changes first (always), then ACK/NACK by nonce.
    mutating func receive(
        subscribe: [String],
        unsubscribe: [String],
        initialVersions: [String: String],
        nonce: String,
        errorMessage: String?,
        now: Double
    ) -> RequestKind {
        requestCount += 1
        let first = !started
        var names = self.names
        let before = names
        if first {
            started = true
            if subscribe.isEmpty && legacyWildcardAllowed { wildcard = true }
            for name in subscribe {
                if name == "*" { wildcard = true } else { names.insert(name) }
            }
            overrides = initialVersions.mapValues { .version($0) }
            needsInitialResponse = wildcard
        } else {
            for name in subscribe {
                if name == "*" {
                    wildcard = true
                } else {
                    names.insert(name)
                    overrides[name] = .notHeld
                    reportedMissing.remove(name)
                }
            }
        }
        for name in unsubscribe {
            if name == "*" {
                wildcard = false
                // The client drops what it no longer subscribes to; nothing to report.
                for held in heldNamesList() where !names.contains(held) { overrides[held] = .notHeld }
            } else if names.remove(name) != nil {
                reportedMissing.remove(name)
                overrides[name] = wildcard && heldVersion(name) != nil ? .version("") : .notHeld
            }
        }
        if names != before {
            subscribed = names.isEmpty ? nil : SharedNameSet.intern(names, key: Self.key(of: names))
        }
        guard !nonce.isEmpty else { return first ? .initial : .subscriptionChange }
        guard let sentNonce = lastSentNonce, nonce == lastSentWireNonce else { return first ? .initial : .stale }
        if let errorMessage {
            lastNack = NackRecord(nonce: sentNonce, message: errorMessage, versionInfo: "", time: now)
            nackedWireNonce = lastSentWireNonce
            return .nack(message: errorMessage)
        }
        ackedNonce = sentNonce
        ackedWireNonce = lastSentWireNonce
        ackedVersion = lastSentVersion
        return .ack
    }

    /// Whether `name` is in scope.
    func covers(_ name: String) -> Bool {
        wildcard || subscribed?.names.contains(name) == true
    }

    /// Decides the next response from `resources` (nil: no snapshot yet, so hold) and records it.
    /// When only the set changed since the last decision, the work is the size of the (shared) diff.
    mutating func plan(_ resources: TypeResources?, nonce: UInt64, now: Double) -> Plan? {
        guard started, let resources else { return nil }
        var toSend: [PreparedResource] = []
        var removed: [String] = []
        if let last = heldSet, overrides.isEmpty, heldWildcard == wildcard, heldNames === subscribed {
            if last.id == resources.id && !needsInitialResponse { return nil }
            let diff = resources.diff(from: last)
            toSend = (diff.added + diff.changed).filter { covers($0.name) }.sorted { $0.name < $1.name }
            removed = diff.removed.filter { covers($0) }
        } else {
            // Linear in the subscription; only what is sent or removed gets sorted (on a resumed
            // stream that is usually nothing, while thousands of names are compared).
            let names = self.names
            if wildcard {
                for resource in resources.sorted where heldVersion(resource.name) != resource.version {
                    toSend.append(resource)
                }
            } else {
                for name in names {
                    if let resource = resources[name], heldVersion(name) != resource.version { toSend.append(resource) }
                }
                toSend.sort { $0.name < $1.name }
            }
            var heldNow = Set(heldNamesList())
            for (name, override) in overrides {
                if case .version = override { heldNow.insert(name) }
            }
            for name in heldNow where resources[name] == nil || !covers(name) {
                removed.append(name)
            }
            for name in names where resources[name] == nil && !heldNow.contains(name) && !reportedMissing.contains(name) {
                removed.append(name)
                reportedMissing.insert(name)
            }
            removed.sort()
        }
        let mustRespond = needsInitialResponse
        needsInitialResponse = false
        heldSet = resources
        heldWildcard = wildcard
        heldNames = subscribed
        overrides.removeAll()
        guard !toSend.isEmpty || !removed.isEmpty || mustRespond else { return nil }
        for resource in toSend { reportedMissing.remove(resource.name) }
        for name in removed where resources[name] == nil && names.contains(name) { reportedMissing.insert(name) }
        sentRecords.record(
            toSend.lazy.map(\.name), carriesAllHeld: toSend.count >= (wildcard ? resources.count : names.count),
            nonce: nonce, responseVersion: resources.version, time: now
        )
        for name in removed { sentRecords.forget(name) }
        lastSentNonce = nonce
        lastSentWireNonce = String(nonce)
        lastSentVersion = resources.version
        let whole = removed.isEmpty && toSend.count == resources.count && !toSend.isEmpty
        return Plan(resources: toSend, removed: removed, version: resources.version, wholeSet: whole ? resources : nil)
    }

    /// Chooses the nonce string of the response just planned: `s<set id>` when it carries a whole
    /// set whose id is newer than any shared before on this stream (so its encoding, nonce included,
    /// is shared by every stream), else the sequence number.
    mutating func chooseWireNonce(for plan: Plan) -> (nonce: String, shared: Bool) {
        if let set = plan.wholeSet, set.id > lastSharedSetID {
            lastSharedSetID = set.id
            lastSentWireNonce = "s\(set.id)"
            return (lastSentWireNonce!, true)
        }
        return (lastSentWireNonce ?? "", false)
    }

    /// The version of `name` the client holds, if any.
    private func heldVersion(_ name: String) -> String? {
        if let override = overrides[name] {
            if case .version(let version) = override { return version }
            return nil
        }
        guard let set = heldSet, heldWildcard || heldNames?.names.contains(name) == true else { return nil }
        return set[name]?.version
    }

    /// The names of the held set the client holds (overrides aside).
    private func heldNamesList() -> [String] {
        guard let set = heldSet else { return [] }
        let listed = set.sortedNames.filter { heldWildcard || heldNames?.names.contains($0) == true }
        return listed.filter { overrides[$0] == nil || overrides[$0] != .notHeld }
    }

    /// A key for interning a subscription: a hash of its sorted names.
    private static func key(of names: Set<String>) -> UInt64 {
        var hash = ContentHash()
        for name in names.sorted() { hash.combine(string: name) }
        return hash.value
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

    /// The CSDS view: every sent or explicitly subscribed name with its status.
    func statuses() -> [(name: String, entry: SentEntry?, status: ResourceSyncStatus)] {
        var result: [(name: String, entry: SentEntry?, status: ResourceSyncStatus)] = []
        var listed = Set<String>()
        if let set = heldSet {
            for name in heldNamesList() {
                guard let resource = set[name], let entry = sentRecords.entry(for: resource) else { continue }
                result.append((name: name, entry: entry, status: entry.status(ackedNonce: ackedNonce, lastNack: lastNack)))
                listed.insert(name)
            }
        }
        for name in names where !listed.contains(name) {
            result.append((name: name, entry: nil, status: .notSent))
        }
        return result.sorted { $0.name < $1.name }
    }
}
