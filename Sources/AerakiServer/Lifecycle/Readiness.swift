import Synchronization

/// Readiness: true once the config source has delivered its first full config and the push loop
/// has applied a store version at least as new as that.
public final class Readiness: Sendable {
    private struct State {
        var loadedVersion: UInt64?
        var appliedVersion: UInt64?
        var ready = false

        mutating func update() {
            if let loadedVersion, let appliedVersion, appliedVersion >= loadedVersion { ready = true }
        }
    }

    private let state = Mutex(State())

    /// Not ready.
    public init() {}

    /// The source delivered its first full config; the store is at `storeVersion`.
    public func sourceLoaded(storeVersion: UInt64) {
        state.withLock { state in
            if state.loadedVersion == nil { state.loadedVersion = storeVersion }
            state.update()
        }
    }

    /// The push loop applied store version `storeVersion`.
    public func configApplied(storeVersion: UInt64) {
        state.withLock { state in
            state.appliedVersion = max(state.appliedVersion ?? 0, storeVersion)
            state.update()
        }
    }

    /// Whether the server is ready.
    public var isReady: Bool { state.withLock { $0.ready } }
}
