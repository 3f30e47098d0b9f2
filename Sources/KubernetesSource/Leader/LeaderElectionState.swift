package import Foundation

/// Leader election over a Lease, as client-go's `leaderelection` decides it. Pure: the caller
/// reads the Lease, passes it with the time, and writes what this returns.
///
/// Expiry is judged by the local clock from when this replica last saw the record change (not by
/// the holder's `renewTime`), so clock skew between replicas does not matter: a holder that stops
/// renewing loses the lease `leaseDuration` after its last renewal was observed. A leader leads
/// only until `renewDeadline` after its last successful renewal — shorter than the lease — so it has
/// stopped (even if it was paused and knows nothing yet) before anyone else may take over.
package struct LeaderElectionState: Sendable {
    /// What to do after reading the Lease.
    package enum Decision: Sendable, Equatable {
        /// Create the Lease, held by us.
        case create(LeaseRecord)
        /// Update the Lease (precondition: its resource version) to be held by us.
        case update(LeaseRecord)
        /// Another replica holds a live lease: follow.
        case follow(holder: String)
    }

    /// This replica's identity.
    package let identity: String
    /// How long a lease lives without renewal.
    package let leaseDuration: Duration
    /// How long a leader keeps leading without a successful renewal.
    package let renewDeadline: Duration
    private var holding = false
    private var observed: LeaseRecord?
    private var observedAt: ContinuousClock.Instant?
    private var lastRenewal: ContinuousClock.Instant?

    /// A replica that does not lead yet.
    package init(identity: String, leaseDuration: Duration, renewDeadline: Duration) {
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
    }

    /// The Lease as read at `now` (nil: it does not exist); `wallClock` stamps what we write.
    package mutating func decide(_ lease: LeaseRecord?, now: ContinuousClock.Instant, wallClock: Date) -> Decision {
        let seconds = Int((leaseDuration.components.seconds) + (leaseDuration.components.attoseconds > 0 ? 1 : 0))
        guard let lease else {
            return .create(LeaseRecord(holder: identity, durationSeconds: seconds, acquireTime: wallClock, renewTime: wallClock, transitions: 0))
        }
        if observed.map({ !$0.sameContent(as: lease) }) ?? true {
            observed = lease
            observedAt = now
        }
        if !lease.holder.isEmpty, lease.holder != identity, let observedAt, observedAt + leaseDuration > now {
            holding = false
            return .follow(holder: lease.holder)
        }
        var next = lease
        next.holder = identity
        next.durationSeconds = seconds
        next.renewTime = wallClock
        if lease.holder != identity {
            next.acquireTime = wallClock
            next.transitions = lease.transitions + 1
        }
        return .update(next)
    }

    /// Our create or update, sent at `now`, succeeded: we lead (until `renewDeadline` after `now`).
    package mutating func wrote(_ record: LeaseRecord, now: ContinuousClock.Instant) {
        observed = record
        observedAt = now
        lastRenewal = now
        holding = true
    }

    /// The record that gives the lease up (no holder, a one-second duration, as client-go's
    /// `ReleaseOnCancel` writes it) when this replica holds it, so another takes over at once
    /// instead of waiting for it to expire; nil otherwise. This replica stops leading.
    package mutating func release(wallClock: Date) -> LeaseRecord? {
        defer { holding = false }
        guard holding, var record = observed, record.holder == identity else { return nil }
        record.holder = ""
        record.durationSeconds = 1
        record.acquireTime = wallClock
        record.renewTime = wallClock
        return record
    }

    /// Whether this replica leads at `now`: it holds the lease and renewed it within the renew deadline.
    package func isLeader(at now: ContinuousClock.Instant) -> Bool {
        guard holding, let lastRenewal else { return false }
        return lastRenewal + renewDeadline > now
    }
}
