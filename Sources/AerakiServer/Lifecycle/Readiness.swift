import Synchronization

/// Readiness: true once every config source has delivered its first full config and the push loop
/// has applied a store version at least as new as the last of those.
package final class Readiness: Sendable {
    private struct State {
        var loadedVersion: UInt64?
        var sourcesLoaded = 0
        var latestLoaded: UInt64 = 0
        var appliedVersion: UInt64?
        var ready = false

        mutating func update() {
            if let loadedVersion, let appliedVersion, appliedVersion >= loadedVersion { ready = true }
        }
    }

    private let state = Mutex(State())
    private let callbacks = Mutex<[@Sendable () -> Void]>([])
    private let expectedSources: Int

    /// Not ready until `expectedSources` sources have each called ``sourceLoaded(storeVersion:)``.
    package init(expectedSources: Int = 1) {
        self.expectedSources = max(1, expectedSources)
    }

    /// A source delivered its first full config (each source calls this once); the store is at `storeVersion`.
    package func sourceLoaded(storeVersion: UInt64) {
        transition { state in
            state.sourcesLoaded += 1
            state.latestLoaded = max(state.latestLoaded, storeVersion)
            if state.loadedVersion == nil, state.sourcesLoaded >= expectedSources { state.loadedVersion = state.latestLoaded }
        }
    }

    /// The push loop applied store version `storeVersion`.
    package func configApplied(storeVersion: UInt64) {
        transition { state in
            state.appliedVersion = max(state.appliedVersion ?? 0, storeVersion)
        }
    }

    /// Calls `body` once, when the server becomes ready (at once if it already is).
    package func onReady(_ body: @escaping @Sendable () -> Void) {
        let ready = state.withLock { state in
            if !state.ready { callbacks.withLock { $0.append(body) } }
            return state.ready
        }
        if ready { body() }
    }

    private func transition(_ change: (inout State) -> Void) {
        let flipped = state.withLock { state -> Bool in
            let before = state.ready
            change(&state)
            state.update()
            return !before && state.ready
        }
        guard flipped else { return }
        let pending = callbacks.withLock { callbacks in
            defer { callbacks = [] }
            return callbacks
        }
        for body in pending { body() }
    }

    /// Whether the server is ready.
    package var isReady: Bool { state.withLock { $0.ready } }
}
