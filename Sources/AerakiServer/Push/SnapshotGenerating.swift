package import Generator
package import Mesh
package import Protocols
internal import Synchronization
package import XDSCache

/// Generates proxies' snapshots from the mesh index: the seam between serving and generation.
///
/// `aeraki serve` plugs in ``SharedGenerator`` with the standard plugin registry; tests plug in
/// small fakes.
package protocol SnapshotGenerating: Sendable {
    /// Takes a new index. `changes` are the inputs that changed since the previous one (nil:
    /// unknown, rebuild everything); `endpointsOnly` says only endpoints changed.
    func update(index: MeshIndex, changes: Set<Dependency>?, endpointsOnly: Bool)

    /// The snapshots of `proxies` from the current index, in order, each with what its generation
    /// could not honour (config that was skipped or narrowed, as messages naming it).
    func generated(for proxies: [ProxyIdentity]) -> [Result<(snapshot: Snapshot, diagnostics: [Diagnostic]), any Error>]

    /// Lets go of what no proxy of `connected` needs any more.
    func retain(_ connected: [ProxyIdentity])
}

extension SharedGenerator: SnapshotGenerating {}

/// A generator from a closure, called per proxy with the current index.
package final class ClosureSnapshotGenerator: SnapshotGenerating {
    private let body: @Sendable (ProxyIdentity, MeshIndex) throws -> Snapshot
    private let index = Mutex<MeshIndex?>(nil)

    /// A generator calling `body`.
    package init(_ body: @escaping @Sendable (ProxyIdentity, MeshIndex) throws -> Snapshot) {
        self.body = body
    }

    /// Keeps `index` for the next calls.
    package func update(index: MeshIndex, changes: Set<Dependency>?, endpointsOnly: Bool) {
        self.index.withLock { $0 = index }
    }

    /// Calls the closure for each proxy (no diagnostics).
    package func generated(for proxies: [ProxyIdentity]) -> [Result<(snapshot: Snapshot, diagnostics: [Diagnostic]), any Error>] {
        guard let index = index.withLock({ $0 }) else { return proxies.map { _ in .failure(GenerationError.noIndex) } }
        return proxies.map { proxy in Result { (try body(proxy, index), []) } }
    }

    /// Nothing to let go of.
    package func retain(_ connected: [ProxyIdentity]) {}
}

extension Snapshot {
    /// Whether `other` serves the same content: same types, same per-type versions.
    func sameContent(as other: Snapshot) -> Bool {
        guard Set(types.keys) == Set(other.types.keys) else { return false }
        return types.allSatisfy { other.types[$0.key]?.version == $0.value.version }
    }
}
