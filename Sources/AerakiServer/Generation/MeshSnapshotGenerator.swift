public import Generator
public import Mesh
public import Protocols
public import XDSCache

/// The real generator behind `aeraki serve`: the protocol plugins registered here, at the
/// composition root, and `ProxySnapshotBuilder` turning a proxy's view of the mesh into its snapshot.
public struct MeshSnapshotGenerator: SnapshotGenerating {
    /// The builder.
    public let builder: ProxySnapshotBuilder

    /// A generator with `registry`'s plugins (Dubbo, Thrift, and `tcp_proxy` for the rest by default).
    public init(registry: PluginRegistry = .standard, options: GeneratorOptions = .defaults) {
        builder = ProxySnapshotBuilder(registry: registry, options: options)
    }

    /// Builds `proxy`'s listeners, clusters, endpoints and routes from `index`.
    public func snapshot(for proxy: ProxyIdentity, index: MeshIndex) throws -> Snapshot {
        try builder.build(index: index, proxy: proxy).snapshot()
    }
}
