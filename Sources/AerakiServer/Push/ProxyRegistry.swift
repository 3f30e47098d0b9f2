package import Mesh
import Synchronization

/// The proxies with at least one open stream, by node id, with their identity (parsed once from
/// the node of their first request) and the content-equal snapshot last served.
package final class ProxyRegistry: Sendable {
    struct Entry {
        var identity: ProxyIdentity
        var streams: Int
        /// When the last rebuild that changed this proxy's snapshot started (for push latency).
        var pendingSince: ContinuousClock.Instant?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let pendingArrivals = Mutex<[String]>([])
    private let arrivals: AsyncStream<Void>.Continuation
    /// A signal per newly connected proxy (its first stream); ``takeArrivals()`` has their ids, so
    /// the push loop builds a connect storm in batches.
    let newProxies: AsyncStream<Void>

    /// An empty registry.
    package init() {
        (newProxies, arrivals) = AsyncStream.makeStream(of: Void.self)
    }

    /// The node ids that connected since the last call.
    func takeArrivals() -> [String] {
        pendingArrivals.withLock { pending in
            defer { pending = [] }
            return pending
        }
    }

    /// A stream of `identity` opened. Returns true (and wakes the push loop) when it is the proxy's first.
    @discardableResult
    package func streamOpened(_ identity: ProxyIdentity) -> Bool {
        let first = entries.withLock { entries -> Bool in
            if var entry = entries[identity.id] {
                entry.streams += 1
                entry.identity = identity
                entries[identity.id] = entry
                return false
            }
            entries[identity.id] = Entry(identity: identity, streams: 1)
            return true
        }
        if first {
            pendingArrivals.withLock { $0.append(identity.id) }
            arrivals.yield()
        }
        return first
    }

    /// A stream of `nodeID` closed. Returns true when it was the proxy's last.
    @discardableResult
    package func streamClosed(_ nodeID: String) -> Bool {
        entries.withLock { entries in
            guard var entry = entries[nodeID] else { return false }
            entry.streams -= 1
            if entry.streams <= 0 {
                entries[nodeID] = nil
                return true
            }
            entries[nodeID] = entry
            return false
        }
    }

    /// Whether `nodeID` has an open stream.
    package func contains(_ nodeID: String) -> Bool {
        entries.withLock { $0[nodeID] != nil }
    }

    /// The identity of a connected proxy.
    package func identity(of nodeID: String) -> ProxyIdentity? {
        entries.withLock { $0[nodeID]?.identity }
    }

    /// Every connected proxy.
    package func all() -> [ProxyIdentity] {
        entries.withLock { $0.values.map(\.identity) }
    }

    /// How many proxies are connected.
    package var count: Int { entries.withLock { $0.count } }

    /// Marks that a rebuild started at `instant` changed `nodeID`'s snapshot.
    func markPending(_ nodeID: String, since instant: ContinuousClock.Instant) {
        entries.withLock { $0[nodeID]?.pendingSince = instant }
    }

    /// Takes the pending-since instant of `nodeID`, if a push is pending.
    func takePending(_ nodeID: String) -> ContinuousClock.Instant? {
        entries.withLock { entries in
            guard let since = entries[nodeID]?.pendingSince else { return nil }
            entries[nodeID]?.pendingSince = nil
            return since
        }
    }

    /// Ends the arrivals stream (shutdown).
    func finish() {
        arrivals.finish()
    }
}
