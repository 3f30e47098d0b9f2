internal import Protocols
internal import Synchronization
internal import XDSCache

/// The table of generated resources shared by every proxy: each entry is built and serialized once
/// per distinct ``ResourceKey`` and handed by reference to every scope that needs it.
///
/// Entries record the config inputs they were built from; ``invalidate(_:)`` removes exactly the
/// entries that read a changed input (through a dependency → entries index, as istiod's xDS cache
/// clears entries by config key). Entries no scope asked for since ``startGeneration()`` are
/// dropped by ``sweep()``, so the table holds what the connected proxies use, nothing more.
///
/// Thread-safe: scopes are built in parallel. Two builders racing for one key both build, and
/// the first to store wins, so every user still gets the one stored object.
final class ResourceTable: Sendable {
    /// A stored result: the prepared resources and what could not be honoured building them.
    struct Entry: Sendable {
        var resources: [PreparedResource]
        var diagnostics: [Diagnostic] = []
    }

    private struct Slot {
        var entry: Entry
        var generation: UInt64
    }

    private struct State {
        var slots: [ResourceKey: Slot] = [:]
        var dependents: [Dependency: Set<ResourceKey>] = [:]
        var generation: UInt64 = 1
        var builds = 0

        mutating func forget(_ key: ResourceKey, under input: Dependency) {
            dependents[input]?.remove(key)
            if dependents[input]?.isEmpty == true { dependents[input] = nil }
        }
    }

    private let state = Mutex(State())

    /// The entry for `key`, built by `build` on a miss.
    func entry(_ key: ResourceKey, build: () throws -> Entry) rethrows -> Entry {
        let hit = state.withLock { state -> Entry? in
            guard var slot = state.slots[key] else { return nil }
            slot.generation = state.generation
            state.slots[key] = slot
            return slot.entry
        }
        if let hit { return hit }
        let built = try build()
        return state.withLock { state in
            if let raced = state.slots[key] { return raced.entry }
            state.builds += 1
            state.slots[key] = Slot(entry: built, generation: state.generation)
            for input in key.inputs { state.dependents[input, default: []].insert(key) }
            return built
        }
    }

    /// Removes every entry built from one of `changed`; returns how many went.
    @discardableResult
    func invalidate(_ changed: Set<Dependency>) -> Int {
        state.withLock { state in
            var removed = 0
            for dependency in changed {
                guard let keys = state.dependents.removeValue(forKey: dependency) else { continue }
                for key in keys where state.slots.removeValue(forKey: key) != nil {
                    removed += 1
                    for input in key.inputs where input != dependency { state.forget(key, under: input) }
                }
            }
            return removed
        }
    }

    /// Removes every entry.
    func removeAll() {
        state.withLock { state in
            state.slots.removeAll()
            state.dependents.removeAll()
        }
    }

    /// Starts a round of builds: entries not asked for from now until ``sweep()`` are dropped then.
    func startGeneration() {
        state.withLock { $0.generation += 1 }
    }

    /// Drops the entries not used since ``startGeneration()``; returns how many went.
    @discardableResult
    func sweep() -> Int {
        state.withLock { state in
            let current = state.generation
            let stale = state.slots.filter { $0.value.generation < current }.map(\.key)
            for key in stale {
                state.slots[key] = nil
                for input in key.inputs { state.forget(key, under: input) }
            }
            return stale.count
        }
    }

    /// How many entries the table holds.
    var count: Int { state.withLock { $0.slots.count } }

    /// How many entries were built since the table was made (misses).
    var builds: Int { state.withLock { $0.builds } }
}
