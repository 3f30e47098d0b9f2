public import Mesh
public import XDSCache

/// Builds one proxy's snapshot from the mesh index: the seam between serving and generation.
///
/// `aeraki serve` plugs in the generator (`ProxySnapshotBuilder` with the standard plugin
/// registry); tests plug in small fakes.
public protocol SnapshotGenerating: Sendable {
    /// The snapshot `proxy` should be served, given `index`.
    func snapshot(for proxy: ProxyIdentity, index: MeshIndex) throws -> Snapshot

    /// The snapshots of many proxies from one index, in order. The default builds each one, in
    /// parallel over the cores; a generator may share work between proxies with the same view.
    func snapshots(for proxies: [ProxyIdentity], index: MeshIndex) -> [Result<Snapshot, any Error>]
}

extension SnapshotGenerating {
    /// Builds each proxy's snapshot, in parallel over the cores.
    public func snapshots(for proxies: [ProxyIdentity], index: MeshIndex) -> [Result<Snapshot, any Error>] {
        let one = { (proxy: ProxyIdentity) in Result { try self.snapshot(for: proxy, index: index) } }
        let workers = min(ParallelMap.workers, proxies.count)
        return workers > 1 ? ParallelMap.map(proxies, workers: workers, one) : proxies.map(one)
    }
}

/// A generator from a closure.
public struct ClosureSnapshotGenerator: SnapshotGenerating {
    private let body: @Sendable (ProxyIdentity, MeshIndex) throws -> Snapshot

    /// A generator calling `body`.
    public init(_ body: @escaping @Sendable (ProxyIdentity, MeshIndex) throws -> Snapshot) {
        self.body = body
    }

    /// Calls the closure.
    public func snapshot(for proxy: ProxyIdentity, index: MeshIndex) throws -> Snapshot {
        try body(proxy, index)
    }
}

extension Snapshot {
    /// Whether `other` serves the same content: same types, same per-type versions.
    func sameContent(as other: Snapshot) -> Bool {
        guard Set(types.keys) == Set(other.types.keys) else { return false }
        return types.allSatisfy { other.types[$0.key]?.version == $0.value.version }
    }
}
