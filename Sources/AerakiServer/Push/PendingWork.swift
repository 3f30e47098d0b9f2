import Mesh
import Synchronization

/// The work waiting for the push loop, merged as it arrives: however many config batches come in
/// while the loop is busy, the loop next applies one — the newest snapshot, with the union of the
/// changed keys (an empty set, a full rebuild, absorbs the rest). So sustained churn queues at most
/// one rebuild, never one per batch.
final class PendingWork: Sendable {
    /// What the loop takes in one go.
    struct Work: Sendable {
        /// The config to apply: the newest snapshot and every key changed since the last one taken.
        var config: ConfigChangeBatch?
        /// Whether proxies connected.
        var arrivals = false
        /// Whether proxies still without a snapshot should be built (readiness was reached).
        var unbuilt = false

        var isEmpty: Bool { config == nil && !arrivals && !unbuilt }
    }

    private let work = Mutex(Work())
    private let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Adds a config batch.
    func add(_ batch: ConfigChangeBatch) {
        work.withLock { work in
            guard let pending = work.config else {
                work.config = batch
                return
            }
            let keys: Set<ConfigKey> = pending.keys.isEmpty || batch.keys.isEmpty ? [] : pending.keys.union(batch.keys)
            work.config = ConfigChangeBatch(keys: keys, snapshot: batch.snapshot)
        }
        signal.yield()
    }

    /// Notes that proxies connected.
    func addArrivals() {
        work.withLock { $0.arrivals = true }
        signal.yield()
    }

    /// Notes that proxies without a snapshot should be built.
    func addUnbuilt() {
        work.withLock { $0.unbuilt = true }
        signal.yield()
    }

    /// Waits for work and takes all of it; nil once finished.
    func next() async -> Work? {
        for await _ in signals {
            let taken = work.withLock { work in
                defer { work = Work() }
                return work
            }
            if !taken.isEmpty { return taken }
        }
        return nil
    }

    /// Ends ``next()``.
    func finish() {
        signal.finish()
    }
}
