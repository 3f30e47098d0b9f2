import Synchronization

/// What one sidecar has ACKed of one type: the latest version and nonce, when the ACK was sent, and
/// how many responses and resources of the type arrived so far.
struct TypeProgress: Sendable {
    var version = ""
    var nonce = ""
    var ackedAt: ContinuousClock.Instant?
    var responses = 0
    var resources = 0
}

/// The part of a simulated sidecar the benchmark reads while the sidecar's stream runs: per-type
/// progress, when it first had everything it asked for, which dependent resources it subscribes to,
/// and when it last ACKed a response carrying one of the watched resource names.
final class SidecarState: Sendable {
    struct Snapshot: Sendable {
        var types: [String: TypeProgress] = [:]
        /// When CDS, LDS and every EDS/RDS resource the sidecar subscribed to were first all ACKed.
        var syncedAt: ContinuousClock.Instant?
        /// EDS and RDS names the sidecar subscribes to.
        var subscribed: [String: Set<String>] = [:]
        /// Watched resource name → when the sidecar last ACKed a response containing it.
        var watchedAckAt: [String: ContinuousClock.Instant] = [:]
        /// Why the stream ended, when it did.
        var error: String?
        /// The streams opened so far (more than one after a reconnect).
        var streams = 0
        /// When the current stream had answered every type the sidecar holds.
        var resumedAt: ContinuousClock.Instant?
    }

    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    /// Records a response the sidecar has just ACKed (at `at`).
    func recordAck(_ response: ParsedResponse, at: ContinuousClock.Instant, watchedHits: [String], synced: Bool, resumed: Bool) {
        state.withLock { s in
            var progress = s.types[response.typeURL] ?? TypeProgress()
            progress.version = response.version
            progress.nonce = response.nonce
            progress.ackedAt = at
            progress.responses += 1
            progress.resources += response.resources.count
            s.types[response.typeURL] = progress
            for name in watchedHits { s.watchedAckAt[name] = at }
            if synced, s.syncedAt == nil { s.syncedAt = at }
            if resumed, s.resumedAt == nil { s.resumedAt = at }
        }
    }

    /// A new stream has opened: it has resumed nothing yet.
    func streamStarted() {
        state.withLock { s in
            s.streams += 1
            s.resumedAt = nil
        }
    }

    func setSubscribed(_ names: Set<String>, typeURL: String) {
        state.withLock { $0.subscribed[typeURL] = names }
    }

    func setError(_ error: String) {
        state.withLock { $0.error = error }
    }
}

/// State shared by every sidecar: the resource names the current scenario watches, and a count of
/// all responses received (to tell when the server has gone quiet).
final class SharedWatch: Sendable {
    private let watched = Mutex<Set<String>>([])
    private let responses = Atomic<Int>(0)

    var names: Set<String> {
        get { watched.withLock { $0 } }
        set { watched.withLock { $0 = newValue } }
    }

    func countResponse() { responses.add(1, ordering: .relaxed) }

    var responseCount: Int { responses.load(ordering: .relaxed) }
}
