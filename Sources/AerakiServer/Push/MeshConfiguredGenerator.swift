package import Generator
package import Mesh
package import Protocols
internal import Synchronization
package import XDSCache

/// A generator that can be rebuilt with new ``GeneratorOptions`` when the mesh config changes.
///
/// Mesh-wide options shape every resource, so a change is a full regeneration: a new generator is
/// made from the options, given the current index (no known changes: everything is built), and
/// swapped in; the push loop then hands every proxy its new snapshot (``PushLoop/regenerateAll()``).
package final class MeshConfiguredGenerator: SnapshotGenerating {
    private struct State {
        var options: GeneratorOptions
        var generator: any SnapshotGenerating
        var index: MeshIndex?
    }

    private let make: @Sendable (GeneratorOptions) -> any SnapshotGenerating
    private let state: Mutex<State>

    /// A generator made by `make` with `options`.
    package init(options: GeneratorOptions, make: @escaping @Sendable (GeneratorOptions) -> any SnapshotGenerating) {
        self.make = make
        state = Mutex(State(options: options, generator: make(options)))
    }

    /// The options in use.
    package var options: GeneratorOptions { state.withLock { $0.options } }

    /// Switches to `options`; returns false (and changes nothing) when they are the ones in use.
    @discardableResult
    package func reconfigure(_ options: GeneratorOptions) -> Bool {
        let index = state.withLock { $0.options == options ? nil : Optional($0.index) }
        guard let index else { return false }
        let fresh = make(options)
        if let index { fresh.update(index: index, changes: nil, endpointsOnly: false) }
        state.withLock { state in
            state.options = options
            state.generator = fresh
        }
        return true
    }

    package func update(index: MeshIndex, changes: Set<Dependency>?, endpointsOnly: Bool) {
        let generator = state.withLock { state in
            state.index = index
            return state.generator
        }
        generator.update(index: index, changes: changes, endpointsOnly: endpointsOnly)
    }

    package func generated(for proxies: [ProxyIdentity]) -> [Result<(snapshot: Snapshot, diagnostics: [Diagnostic]), any Error>] {
        state.withLock { $0.generator }.generated(for: proxies)
    }

    package func retain(_ connected: [ProxyIdentity]) {
        state.withLock { $0.generator }.retain(connected)
    }
}
