import Synchronization

/// The latest valid set of mesh resources, from any number of config sources.
///
/// Every resource is validated on the way in. A rejected resource is reported (source, kind,
/// namespace/name, field, reason) and does not affect the others; a resource that becomes invalid
/// keeps its last valid version in effect. Updates whose content equals what is in effect (a resync)
/// change nothing and produce no event. Consumers read ``snapshot()`` or iterate ``changes(debounce:)``.
package final class ConfigStore: Sendable {
    private let validator: ConfigValidator
    private let state = Mutex(State())
    private let subscribers = Mutex(Subscribers())

    /// An empty store validating with `validator`.
    package init(validator: ConfigValidator = ConfigValidator()) {
        self.validator = validator
    }

    /// Replaces everything `origin` supplied (restricted to `kinds` when given) with `resources`:
    /// resources of that origin missing from the list are deleted.
    /// - Returns: the validation errors of this update.
    @discardableResult
    package func replace(origin: String, kinds: Set<ConfigKind>? = nil, with resources: [MeshResource]) -> [ValidationError] {
        let (changed, errors) = state.withLock { $0.replace(origin: origin, kinds: kinds, with: resources, validator: validator) }
        notify(changed)
        return errors
    }

    /// Adds or updates `upserts` and deletes `deletes` on behalf of `origin`.
    /// - Returns: the validation errors of this update.
    @discardableResult
    package func apply(origin: String, upserts: [MeshResource] = [], deletes: [ConfigKey] = []) -> [ValidationError] {
        let (changed, errors) = state.withLock { $0.apply(origin: origin, upserts: upserts, deletes: deletes, validator: validator) }
        notify(changed)
        return errors
    }

    /// The config in effect now.
    package func snapshot() -> ConfigSnapshot {
        state.withLock { ConfigSnapshot(version: $0.version, resources: $0.effective) }
    }

    /// Every resource currently rejected, with why (including those whose last valid version is kept).
    package func rejections() -> [ValidationError] {
        state.withLock { $0.rejected.sorted { $0.key < $1.key }.flatMap(\.value) }
    }

    /// Change events from now on, debounced: each batch names every key that changed since the previous one.
    package func changes(debounce: DebounceConfiguration = .defaults) -> ConfigChanges {
        ConfigChanges(store: self, debounce: debounce)
    }

    // MARK: Subscribers

    struct Subscribers {
        struct Pending {
            var keys: Set<ConfigKey> = []
            var first: ContinuousClock.Instant?
            var last: ContinuousClock.Instant?
            let signal: AsyncStream<Void>.Continuation
        }
        var next = 0
        var all: [Int: Pending] = [:]
    }

    private func notify(_ changed: Set<ConfigKey>) {
        guard !changed.isEmpty else { return }
        let now = ContinuousClock.now
        let signals = subscribers.withLock { subscribers in
            subscribers.all.keys.compactMap { id -> AsyncStream<Void>.Continuation? in
                subscribers.all[id]!.keys.formUnion(changed)
                if subscribers.all[id]!.first == nil { subscribers.all[id]!.first = now }
                subscribers.all[id]!.last = now
                return subscribers.all[id]!.signal
            }
        }
        for signal in signals { signal.yield() }
    }

    func subscribe() -> (id: Int, signals: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = subscribers.withLock { subscribers in
            subscribers.next += 1
            subscribers.all[subscribers.next] = Subscribers.Pending(signal: continuation)
            return subscribers.next
        }
        return (id, stream)
    }

    func unsubscribe(_ id: Int) {
        let pending = subscribers.withLock { $0.all.removeValue(forKey: id) }
        pending?.signal.finish()
    }

    /// First and latest change time of what `id` has pending, or nil.
    func pendingTimes(_ id: Int) -> (first: ContinuousClock.Instant, last: ContinuousClock.Instant)? {
        subscribers.withLock { subscribers in
            guard let pending = subscribers.all[id], !pending.keys.isEmpty, let first = pending.first, let last = pending.last
            else { return nil }
            return (first, last)
        }
    }

    /// Takes what `id` has pending as a batch.
    func drain(_ id: Int) -> ConfigChangeBatch? {
        let keys = subscribers.withLock { subscribers -> Set<ConfigKey> in
            guard var pending = subscribers.all[id] else { return [] }
            let keys = pending.keys
            pending.keys = []
            pending.first = nil
            pending.last = nil
            subscribers.all[id] = pending
            return keys
        }
        return keys.isEmpty ? nil : ConfigChangeBatch(keys: keys, snapshot: snapshot())
    }
}
