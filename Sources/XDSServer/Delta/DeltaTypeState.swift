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
    }

    let typeURL: String
    private let legacyWildcardAllowed: Bool
    private(set) var wildcard = false
    private(set) var names: Set<String> = []
    /// Name → version the client holds ("" forces a resend, or a removal if missing).
    private(set) var held: [String: String] = [:]
    private(set) var sent: [String: SentEntry] = [:]
    private var reportedMissing: Set<String> = []
    private var needsInitialResponse = false
    private(set) var started = false
    private(set) var lastSentNonce: UInt64?
    private(set) var ackedNonce: UInt64?
    private(set) var lastNack: NackRecord?
    private(set) var lastSentVersion = ""
    private(set) var ackedVersion = ""
    private(set) var requestCount = 0

    init(typeURL: String, legacyWildcard: Bool) {
        self.typeURL = typeURL
        self.legacyWildcardAllowed = legacyWildcard
    }

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
        if first {
            started = true
            if subscribe.isEmpty && legacyWildcardAllowed { wildcard = true }
            for name in subscribe {
                if name == "*" { wildcard = true } else { names.insert(name) }
            }
            held = initialVersions
            needsInitialResponse = wildcard
        } else {
            for name in subscribe {
                if name == "*" {
                    wildcard = true
                } else {
                    names.insert(name)
                    held[name] = nil
                    reportedMissing.remove(name)
                }
            }
        }
        for name in unsubscribe {
            if name == "*" {
                wildcard = false
                held = held.filter { names.contains($0.key) }
                sent = sent.filter { names.contains($0.key) }
            } else if names.remove(name) != nil {
                reportedMissing.remove(name)
                if wildcard && held[name] != nil {
                    held[name] = ""
                } else {
                    held[name] = nil
                    sent[name] = nil
                }
            }
        }
        guard !nonce.isEmpty else { return first ? .initial : .subscriptionChange }
        guard let sentNonce = lastSentNonce, UInt64(nonce) == sentNonce else { return first ? .initial : .stale }
        if let errorMessage {
            lastNack = NackRecord(nonce: sentNonce, message: errorMessage, versionInfo: "", time: now)
            return .nack(message: errorMessage)
        }
        ackedNonce = sentNonce
        ackedVersion = lastSentVersion
        return .ack
    }

    /// Whether `name` is in scope.
    func covers(_ name: String) -> Bool {
        wildcard || names.contains(name)
    }

    /// Decides the next response from `resources` (nil: no snapshot yet, so hold) and records it.
    mutating func plan(_ resources: TypeResources?, nonce: UInt64, now: Double) -> Plan? {
        guard started, let resources else { return nil }
        var toSend: [PreparedResource] = []
        let candidates = wildcard ? resources.sortedNames : names.sorted()
        for name in candidates {
            guard let resource = resources[name] else { continue }
            if held[name] != resource.version { toSend.append(resource) }
        }
        var removed: [String] = []
        for name in held.keys.sorted() where resources[name] == nil || !covers(name) {
            removed.append(name)
        }
        for name in names.sorted() where resources[name] == nil && held[name] == nil && !reportedMissing.contains(name) {
            removed.append(name)
            reportedMissing.insert(name)
        }
        guard !toSend.isEmpty || !removed.isEmpty || needsInitialResponse else { return nil }
        needsInitialResponse = false
        for resource in toSend {
            held[resource.name] = resource.version
            reportedMissing.remove(resource.name)
            sent[resource.name] = SentEntry(version: resource.version, responseVersion: resources.version, nonce: nonce, time: now)
        }
        for name in removed {
            held[name] = nil
            sent[name] = nil
        }
        lastSentNonce = nonce
        lastSentVersion = resources.version
        return Plan(resources: toSend, removed: removed, version: resources.version)
    }

    /// The ACK state, for status pages.
    var typeStatus: StreamStatus.TypeState {
        StreamStatus.TypeState(
            typeURL: typeURL,
            lastSentNonce: lastSentNonce.map { String($0) },
            lastSentVersion: lastSentVersion,
            ackedNonce: ackedNonce.map { String($0) },
            ackedVersion: ackedVersion,
            nackedNonce: lastNack.map { String($0.nonce) },
            nackMessage: lastNack?.message,
            nackTime: lastNack?.time,
            requestCount: requestCount
        )
    }

    /// The CSDS view: every sent or explicitly subscribed name with its status.
    func statuses() -> [(name: String, entry: SentEntry?, status: ResourceSyncStatus)] {
        var result = sent.map { (name: $0.key, entry: Optional($0.value), status: $0.value.status(ackedNonce: ackedNonce, lastNack: lastNack)) }
        for name in names where sent[name] == nil {
            result.append((name: name, entry: nil, status: .notSent))
        }
        return result.sorted { $0.name < $1.name }
    }
}
